#!/usr/bin/env bash
# `pnpm test:deno`: proves the workspace under Deno 2 (the `deno` npm package).
#  0. The server and what it imports are built (turbo; a no-op when nothing changed).
#  1. @servercam/core is JSR-ready: `deno publish --dry-run` (type check, no slow types).
#  2. The TypeScript sources Deno runs type-check under Deno (worker entry points included).
#  3. `deno test` runs runtime-tests/deno/: the core on the synthetic backend, and the
#     all-in-one server (GraphQL, graphql-ws, SSE, snapshots, MJPEG) started by Deno.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

# The binary the deno package's postinstall links (pnpm's shim would add a node process).
deno=node_modules/deno/deno
[ -x "$deno" ] || deno="$(command -v deno || true)"
[ -n "$deno" ] || { echo "deno not found: run 'node scripts/setup.mjs' (deno is a root devDependency)" >&2; exit 1; }
export NO_COLOR=1
echo "::: $("$deno" --version | head -1)"

# The server imports @servercam/core and @servercam/schema as packages (their dist/).
echo "::: build (cached by turbo)"
node_modules/.bin/turbo run build --filter=@servercam/server --output-logs=errors-only

echo "::: deno publish --dry-run (packages/core)"
(cd packages/core && "../../$deno" publish --dry-run --allow-dirty 2>&1 | grep -v '^   file:///' )

echo "::: deno check"
"$deno" check --quiet packages/core/src/ runtime-tests/deno/

echo "::: deno test"
# Type-checked above; --no-check keeps Deno from checking the worker again each time one starts.
"$deno" test -A --no-check runtime-tests/deno/ "$@"

echo "::: Deno tests done in $((SECONDS - started)) s"
