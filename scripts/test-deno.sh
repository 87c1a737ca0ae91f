#!/usr/bin/env bash
# `pnpm test:deno`: proves the workspace under Deno 2 (the `deno` npm package).
#  0. The server and what it imports are built (turbo; a no-op when nothing changed).
#  1. @servercam/core is JSR-ready: `deno publish --dry-run` (type check, no slow types).
#  2. The TypeScript sources Deno runs type-check under Deno (worker entry points included).
#  3. `deno test` runs runtime-tests/deno/: the core on the synthetic backend, and the
#     server's scenarios on each adapter (node:http through Deno's Node compatibility,
#     Deno.serve in process, and `pnpm servercam:deno serve`), with explicit permissions:
#       --allow-net=127.0.0.1       the servers and their clients, on loopback only
#       --allow-read=REPO,TMP,FFMPEG,/usr/bin/ldd
#                                   the code; the test videos; ffmpeg's lookup; sharp's libc check
#       --allow-write=TMP           the test videos
#       --allow-env                 as the server (its capture child gets a copy of the environment)
#       --allow-sys=hostname,uid    the log lines' hostname; checking that ffmpeg is executable
#       --allow-ffi=REPO/node_modules  sharp (Node-API): the synthetic cameras' JPEGs
#       --allow-run=bash,FFMPEG     `pnpm servercam:deno` (scripts/servercam-deno.sh, whose own
#                                   permissions are the README's); ffmpeg makes the test videos
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

export NO_COLOR=1

# The server imports @servercam/core and @servercam/schema as packages (their dist/).
echo "::: build (cached by turbo)"
node_modules/.bin/turbo run build --filter=@servercam/server --output-logs=errors-only

# $deno: the deno package's binary (pnpm's shim would add a node process); $ffmpeg: the
# product's (found by the core's resolver, from its build).
source scripts/deno-tools.sh
echo "::: $("$deno" --version | head -1)"

echo "::: deno publish --dry-run (packages/core)"
(cd packages/core && "$deno" publish --dry-run --allow-dirty 2>&1 | grep -v '^   file:///' )

echo "::: deno check"
"$deno" check --quiet packages/core/src/ runtime-tests/deno/

echo "::: deno test"
# Type-checked above; --no-check keeps Deno from checking the worker again each time one starts.
tmp="$(realpath "${TMPDIR:-/tmp}")"
"$deno" test --no-check --allow-net=127.0.0.1 --allow-read="$root,$tmp,/usr/bin/ldd${ffmpeg:+,$ffmpeg}" --allow-write="$tmp" \
  --allow-env --allow-sys=hostname,uid --allow-ffi="$root/node_modules" --allow-run="bash${ffmpeg:+,$ffmpeg}" \
  runtime-tests/deno/ "$@"

echo "::: Deno tests done in $((SECONDS - started)) s"
