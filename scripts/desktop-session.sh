#!/usr/bin/env bash
# Runs a command inside a private desktop session and stops it all afterwards: a D-Bus session
# bus with gnome-keyring as the Secret Service (on a throwaway keyring folder, so the user's
# own keyring is never touched), and a virtual X display (Xvfb) when there is no display or
# PARLEY_XVFB=1.
set -euo pipefail
tmp="$(mktemp -d -t parley-session.XXXXXX)"
xvfb_pid=""
cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

if [ "${PARLEY_XVFB:-}" = 1 ] || [ -z "${DISPLAY:-}" ]; then
  for n in $(seq 91 160); do
    [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || break
  done
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.05; done
  export DISPLAY=":$n"
fi
unset WAYLAND_DISPLAY

mkdir -p "$tmp/keyring"
set +e
dbus-run-session -- bash -c '
  # A non-empty password lets gnome-keyring create and unlock its collection without a prompt.
  printf parley-session | XDG_DATA_HOME="$1" gnome-keyring-daemon --unlock --components=secrets >/dev/null
  shift
  "$@"' _ "$tmp/keyring" "$@" 2> >(grep -v -E "^dbus-daemon|^$" >&2)
status=$?
exit $status
