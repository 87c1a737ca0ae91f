/**
 * OpenCV's process-wide settings. Its C code reads them with getenv, so they
 * must be in the real environment of the process that loads OpenCV before it
 * loads it. Values already set by the user win.
 * @module
 */
export const OPENCV_ENV_DEFAULTS: Readonly<Record<string, string>> = {
  // Load the addon built against the system OpenCV; never try to build OpenCV at run time.
  OPENCV4NODEJS_DISABLE_AUTOBUILD: '1',
  // servercam reports every failure as a typed error; OpenCV's own log lines only repeat them.
  OPENCV_LOG_LEVEL: 'FATAL',
  // FFmpeg's log: errors only (AV_LOG_ERROR).
  OPENCV_FFMPEG_LOGLEVEL: '16',
  // Bound how long FFmpeg waits on a network source that goes silent (microseconds).
  OPENCV_FFMPEG_CAPTURE_OPTIONS: 'rw_timeout;5000000',
};

/** `env` with the OpenCV defaults added where unset. */
export function withOpenCvDefaults(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const result = { ...env };
  for (const [key, value] of Object.entries(OPENCV_ENV_DEFAULTS)) result[key] ??= value;
  return result;
}

/** Sets the defaults in this process's environment, where the runtime allows it. */
export function applyOpenCvDefaults(env: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(OPENCV_ENV_DEFAULTS)) {
    try {
      env[key] ??= value;
    } catch {
      // A runtime without permission to write the environment keeps OpenCV's defaults.
    }
  }
}
