# Sourced by scripts/servercam-deno.sh and scripts/test-deno.sh: the paths their Deno
# permissions name.
#   root    the repository
#   deno    the Deno binary (the `deno` devDependency's, else PATH's), by its real path:
#           what Deno.execPath() reports, so what `--isolation process` forks
#   ffmpeg  the ffmpeg the product would use (the core's resolver: SERVERCAM_FFMPEG, PATH,
#           npm), or empty when there is none
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deno="$root/node_modules/deno/deno"
[ -x "$deno" ] || deno="$(command -v deno || true)"
[ -n "$deno" ] || { echo "deno not found: run 'pnpm install' (deno is a root devDependency)" >&2; exit 1; }
deno="$(realpath "$deno")"
ffmpeg="$(cd "$root/packages/core" && node --input-type=module -e "const { resolveMediaTool } = await import('./dist/index.js'); process.stdout.write(resolveMediaTool('ffmpeg')?.path ?? '')" 2>/dev/null || true)"
