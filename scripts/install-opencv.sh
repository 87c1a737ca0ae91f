#!/usr/bin/env bash
# `pnpm setup:opencv`: installs the system OpenCV and ffmpeg (Debian/Ubuntu
# packages), then builds @u4/opencv4nodejs against them. About 5 minutes on 2
# cores; the compiler's lines show the progress.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if [ -f /usr/include/opencv4/opencv2/core.hpp ] && command -v ffmpeg >/dev/null; then
  echo "[opencv] system OpenCV and ffmpeg are installed"
elif command -v apt-get >/dev/null; then
  echo "[opencv] installing libopencv-dev and ffmpeg with apt-get…"
  as_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q libopencv-dev ffmpeg
else
  echo "[opencv] no apt-get here: install OpenCV 4 (headers and libraries) and ffmpeg with your system's package manager," >&2
  echo "         then set OPENCV_INCLUDE_DIR, OPENCV_LIB_DIR and OPENCV_BIN_DIR and run this script again." >&2
  exit 1
fi

echo "[opencv] building @u4/opencv4nodejs against the system OpenCV (first time ~5 min)…"
node scripts/rebuild-opencv.mjs
