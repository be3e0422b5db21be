#!/usr/bin/env bash
# Installs what Parley needs to build, run and test on Debian 12, idempotently and without
# asking: `setup.sh run` for building and running, `setup.sh test` adds the test tools.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
purpose="${1:-run}"

build_packages=(build-essential pkg-config curl wget file libwebkit2gtk-4.1-dev libxdo-dev
  libssl-dev libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev)
# Xvfb and a D-Bus session with gnome-keyring let the app run headless; WebKitWebDriver drives it.
test_packages=(xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools webkit2gtk-driver
  imagemagick nodejs npm desktop-file-utils)
headless_packages=(xvfb xauth dbus dbus-x11 gnome-keyring)

wanted=("${build_packages[@]}")
case "$purpose" in
  test) wanted+=("${test_packages[@]}") ;;
  run) if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then wanted+=("${headless_packages[@]}"); fi ;;
  *) echo "usage: setup.sh run|test" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node from elsewhere (nvm, nodesource) is fine too.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/#nodejs/}"); missing=("${missing[@]/#npm/}")
fi
read -r -a missing <<< "${missing[*]}"
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "setup: cargo not found; install Rust (rustup) first" >&2
  exit 1
fi

if [ "$purpose" = test ]; then
  if ! command -v tauri-driver >/dev/null; then
    echo "setup: installing tauri-driver"
    cargo install tauri-driver --version "^2" --locked --quiet
  fi
  ui="$PARLEY_ROOT/ui"
  if [ ! -d "$ui/node_modules" ] || [ "$ui/package-lock.json" -nt "$ui/node_modules/.package-lock.json" ]; then
    echo "setup: installing the UI test dependencies"
    (cd "$ui" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
