#!/usr/bin/env bash
# Builds Parley's .deb with the Tauri CLI (from the npm registry, installed by setup.sh test):
#   scripts/package.sh            release build → $CARGO_TARGET_DIR/release/bundle/deb/Parley_*.deb
#   scripts/package.sh --debug    debug build (what the test command checks; much faster)
# Prints the path of the package on its last line.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PARLEY_ROOT"
scripts/setup.sh test >/dev/null
profile=release
args=(build --bundles deb)
if [ "${1:-}" = "--debug" ]; then profile=debug; args+=(--debug); fi
# The CLI wants the config beside the app's Cargo.toml; the project keeps it at the root. Give the
# CLI a copy in src-tauri with its paths made relative to there, and remove it afterwards.
generated="$PARLEY_ROOT/src-tauri/tauri.conf.json"
trap 'rm -f "$generated"' EXIT
python3 - "$PARLEY_ROOT/tauri.conf.json" "$generated" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
up = lambda p: "../" + p
config["build"]["frontendDist"] = up(config["build"]["frontendDist"])
config["bundle"]["icon"] = [up(i) for i in config["bundle"]["icon"]]
deb = config["bundle"]["linux"]["deb"]
deb["desktopTemplate"] = up(deb["desktopTemplate"])
json.dump(config, open(sys.argv[2], "w"), indent=2)
PY
rm -f "$CARGO_TARGET_DIR/$profile/bundle/deb/"*.deb
TAURI_APP_PATH="$PARLEY_ROOT/src-tauri" TAURI_FRONTEND_PATH="$PARLEY_ROOT/ui" \
  ui/node_modules/.bin/tauri "${args[@]}" >&2
ls "$CARGO_TARGET_DIR/$profile/bundle/deb/"Parley_*.deb
