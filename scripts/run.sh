#!/usr/bin/env bash
# Installs what is missing, builds Parley (release) and starts it. Arguments go to the app,
# e.g. `scripts/run.sh --profile /tmp/try --demo`. With no account configured it opens the
# Demo workspace. On a machine with no display it runs on a virtual one (Xvfb) with a
# throwaway keyring, and says so.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PARLEY_ROOT"
scripts/setup.sh run
cargo build -p parley-app --release --locked
app="$CARGO_TARGET_DIR/release/parley"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$app" "$@"
fi
echo "run: no display here; starting Parley on a virtual display (Xvfb). Stop it with Ctrl+C." >&2
exec scripts/desktop-session.sh "$app" "$@"
