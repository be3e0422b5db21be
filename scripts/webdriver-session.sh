#!/usr/bin/env bash
# Runs a command (from ui/) while tauri-driver (over WebKitWebDriver) can drive the app binary
# given as $1: the end-to-end tests and the UI benchmarks. parley-sim is expected beside the
# app. Sets WEBDRIVER_URL, PARLEY_APP_BIN and PARLEY_SIM_BIN. Expects a display and a Secret
# Service (run it inside desktop-session.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
app="${1:?usage: webdriver-session.sh PATH-TO-PARLEY-BINARY COMMAND...}"
shift
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
native=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log="$(mktemp -t parley-tauri-driver.XXXXXX)"
# The default profile (no --profile: the single-instance test) lives in a throwaway home.
xdg="$(mktemp -d -t parley-e2e-xdg.XXXXXX)"
export XDG_CONFIG_HOME="$xdg/config" XDG_DATA_HOME="$xdg/data" XDG_CACHE_HOME="$xdg/cache"
# The profiles the tests and benchmarks make (mkdtemp) go with it too.
mkdir -p "$xdg/tmp"
export TMPDIR="$xdg/tmp"
tauri-driver --port "$port" --native-port "$native" --native-driver /usr/bin/WebKitWebDriver >"$log" 2>&1 &
driver=$!
trap 'kill $driver 2>/dev/null || true; pkill -f "WebKitWebDriver --port=$native" 2>/dev/null || true; rm -f "$log"; rm -rf "$xdg" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -s "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break
  sleep 0.1
done
cd "$PARLEY_ROOT/ui"
export WEBDRIVER_URL="http://127.0.0.1:$port" PARLEY_APP_BIN="$app" PARLEY_SIM_BIN="$(dirname "$app")/parley-sim"
if ! "$@"; then
  echo "--- tauri-driver log ---" >&2; tail -50 "$log" >&2
  exit 1
fi
