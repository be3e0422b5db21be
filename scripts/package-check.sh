#!/usr/bin/env bash
# Checks a Parley .deb as a user would meet it: installs it with dpkg into a throwaway root,
# validates the desktop entry and the icons, starts the installed binary (it must stay up and
# log its start), then uninstalls it and checks nothing is left behind. Needs a display (run it
# inside desktop-session.sh with PARLEY_XVFB=1).
set -euo pipefail
deb="${1:?usage: package-check.sh PATH-TO-DEB}"
root="$(mktemp -d -t parley-deb-root.XXXXXX)"
profile="$(mktemp -d -t parley-deb-profile.XXXXXX)"
app=""
cleanup() { [ -n "$app" ] && kill "$app" 2>/dev/null || true; rm -rf "$root" "$profile"; }
trap cleanup EXIT
fail() { echo "package-check: $*" >&2; exit 1; }

[ "$(dpkg-deb -f "$deb" Package)" = parley ] || fail "the package is not called parley"
dpkg-deb -f "$deb" Depends | grep -q libwebkit2gtk-4.1-0 || fail "WebKitGTK is not a dependency"

mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --force-depends --force-script-chrootless -i "$deb" >/dev/null 2>&1 \
  || fail "dpkg could not install it"

entry="$root/usr/share/applications/Parley.desktop"
[ -f "$entry" ] || fail "no desktop entry"
desktop-file-validate "$entry" || fail "the desktop entry does not validate"
for line in "Name=Parley" "Exec=parley" "Icon=parley" "Type=Application" "Terminal=false"; do
  grep -qx "$line" "$entry" || fail "the desktop entry lacks $line"
done
grep -q "^Categories=.*Chat;" "$entry" || fail "the desktop entry is not in the Chat category"
for size in 32 64 128 256 512; do
  icon="$root/usr/share/icons/hicolor/${size}x${size}/apps/parley.png"
  [ -f "$icon" ] || fail "no ${size}x${size} icon"
  [ "$(identify -format '%wx%h' "$icon")" = "${size}x${size}" ] || fail "the ${size}x${size} icon has another size"
done

bin="$root/usr/bin/parley"
# Read the whole help first: `grep -q` would close the pipe at its first match while the binary
# is still writing.
help="$("$bin" --help)" || fail "the installed binary does not run"
grep -q "usage: parley" <<<"$help" || fail "the installed binary does not print its usage"
"$bin" --profile "$profile" --demo >/dev/null 2>&1 &
app=$!
for _ in $(seq 100); do
  grep -qs "starting Parley" "$profile"/logs/* && break
  sleep 0.1
done
grep -qs "starting Parley" "$profile"/logs/* || fail "the installed app did not start"
sleep 3
kill -0 "$app" 2>/dev/null || fail "the installed app exited after starting"
kill "$app"; wait "$app" 2>/dev/null || true; app=""

dpkg --root="$root" -r parley >/dev/null 2>&1 || fail "dpkg could not remove it"
left="$(find "$root" -type f -not -path "$root/var/lib/dpkg/*")"
[ -z "$left" ] || fail "files left after removal: $left"
echo "package-check: $(basename "$deb") installs, validates, starts and uninstalls cleanly"
