#!/usr/bin/env bash
# The UI benchmarks in the real app (issue 7): `bash scripts/bench-ui.sh [load|memory|startup|switch|search|scale] [APP]`.
# APP defaults to the release build (built if missing); figures are printed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
which="${1:-load}"
app="${2:-$CARGO_TARGET_DIR/release/parley}"
if [ ! -x "$app" ] || [ ! -x "$(dirname "$app")/parley-sim" ]; then
  cargo build --release --locked -p parley-app -p parley-sim
fi
# The empty Tauri window the memory and start-up figures are compared with.
if [ ! -x "$(dirname "$app")/examples/empty_window" ] && [ "$app" = "$CARGO_TARGET_DIR/release/parley" ]; then
  cargo build --release --locked -p parley-app --example empty_window
fi
bash "$PARLEY_ROOT/scripts/setup.sh" >/dev/null
PARLEY_XVFB=1 bash "$PARLEY_ROOT/scripts/desktop-session.sh" \
  bash "$PARLEY_ROOT/scripts/webdriver-session.sh" "$app" node "bench/$which.mjs"
