#!/usr/bin/env bash
# Regenerates every icon size from the one source image, icons/source.png (1024×1024), with the
# Tauri CLI; keeps the desktop sizes the bundle lists (mobile ones are dropped).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PARLEY_ROOT"
scripts/setup.sh test >/dev/null
ui/node_modules/.bin/tauri icon icons/source.png -o icons
convert icons/source.png -resize 256x256 icons/256x256.png
rm -rf icons/android icons/ios icons/Square*Logo.png icons/StoreLogo.png
ls icons
