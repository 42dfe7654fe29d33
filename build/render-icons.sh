#!/bin/sh
# Renders the app icon PNGs electron-builder packages from assets/icon.svg (needs rsvg-convert,
# Debian package librsvg2-bin). icon.png (1024) feeds the macOS icns and the Windows ico; icons/
# holds the sizes of the freedesktop hicolor theme for the Linux packages.
set -e
cd "$(dirname "$0")/../assets"
rsvg-convert -w 1024 -h 1024 icon.svg -o icon.png
for size in 16 32 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" icon.svg -o "icons/${size}x${size}.png"
done
