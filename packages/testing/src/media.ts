/**
 * ffmpeg and ffprobe for tests, from the product's own resolver
 * (`SERVERCAM_FFMPEG`, then the system's, then the npm-shipped binary).
 * @module
 */
import { type MediaTool, requireMediaTool } from '@servercam/core';

const paths = new Map<MediaTool, string>();

/** The path of `tool`. @throws {MediaToolUnavailable} with what to install. */
export function mediaTool(tool: MediaTool): string {
  let path = paths.get(tool);
  if (path === undefined) {
    path = requireMediaTool(tool).path;
    paths.set(tool, path);
  }
  return path;
}
