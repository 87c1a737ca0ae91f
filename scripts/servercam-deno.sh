#!/usr/bin/env bash
# `pnpm servercam:deno ARGS`: the servercam CLI run by Deno, with Deno's own HTTP and
# WebSocket (apps/server/src/adapters/deno.ts), and only the permissions it needs
# (each explained in the root README, "Deno permissions"):
#   --allow-net                 listen on --host/--port; reach network cameras and Redis
#   --allow-read                its code and node_modules, the UI build, config, videos, credential files
#   --allow-env                 tokens, OpenCV and ffmpeg settings; capture's child gets a copy of the environment
#   --allow-sys=hostname        the log lines' hostname (pino)
#   --allow-ffi=node_modules    sharp, a Node-API addon: the synthetic cameras' JPEGs and every scaled variant
#   --allow-run=DENO,FFMPEG     --isolation process (the default) forks this Deno; motion clips run ffmpeg
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
deno="$root/node_modules/deno/deno"
[ -x "$deno" ] || deno="$(command -v deno || true)"
[ -n "$deno" ] || { echo "deno not found: run 'pnpm install' (deno is a root devDependency)" >&2; exit 1; }
# The path Deno reports as its own (Deno.execPath()): what `--isolation process` forks.
deno="$(realpath "$deno")"
run="$deno"
# The ffmpeg the clips would use (the core's resolver: SERVERCAM_FFMPEG, PATH, npm), when there is one.
ffmpeg="$(cd "$root/packages/core" && node --input-type=module -e "const { resolveMediaTool } = await import('./dist/index.js'); process.stdout.write(resolveMediaTool('ffmpeg')?.path ?? '')" 2>/dev/null || true)"
[ -z "$ffmpeg" ] || run="$run,$ffmpeg"
exec "$deno" run --allow-net --allow-read --allow-env --allow-sys=hostname --allow-ffi="$root/node_modules" --allow-run="$run" \
  "$root/apps/server/src/cli.ts" "$@"
