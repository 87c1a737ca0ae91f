#!/usr/bin/env bash
# `pnpm servercam:deno ARGS`: the servercam CLI run by Deno, on Deno's own HTTP and
# WebSocket (apps/server/src/adapters/deno.ts), with only the permissions it needs
# (the root README's "Deno permissions" says why each):
#   --allow-net                 listen on --host/--port; reach network cameras and Redis
#   --allow-read                its code and node_modules, the UI build, config, videos, credential files
#   --allow-env                 tokens, OpenCV and ffmpeg settings; the capture child gets a copy of the environment
#   --allow-sys=hostname,uid    the log lines' hostname (pino); uid: checking that ffmpeg is executable
#   --allow-ffi=node_modules    sharp, a Node-API addon: the synthetic cameras' JPEGs and every scaled variant
#   --allow-write               the data directory (--data-dir, default ./servercam-data): servercam.db, state.json, clips
#   --allow-run=DENO,FFMPEG     --isolation process (the default) forks this Deno; motion clips run ffmpeg
set -euo pipefail
source "$(dirname "$0")/deno-tools.sh"
exec "$deno" run --allow-net --allow-read --allow-write --allow-env --allow-sys=hostname,uid --allow-ffi="$root/node_modules" \
  --allow-run="$deno${ffmpeg:+,$ffmpeg}" "$root/apps/server/src/cli.ts" "$@"
