#!/usr/bin/env bash
# Runs every test of Parley, installing what is missing first: formatting, lints, the Rust
# tests (codecs, store, supervisor against the simulators, keyring, CLI), the UI tests, and
# the end-to-end test of the real app under Xvfb, and the .deb package. Starts what it needs and stops it after.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PARLEY_ROOT"
step() { printf '\n== %s\n' "$*"; }

step "setup"
scripts/setup.sh test

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests (inside a D-Bus session with gnome-keyring)"
scripts/desktop-session.sh env PARLEY_REQUIRE_KEYRING=1 cargo test --workspace --locked

step "UI tests"
(cd ui && npm test)

step "end-to-end: the real app under Xvfb"
cargo build -p parley-app -p parley-sim --locked
PARLEY_XVFB=1 scripts/desktop-session.sh scripts/e2e.sh "$CARGO_TARGET_DIR/debug/parley"

step "package: build the .deb and install, start and remove it in a throwaway root"
deb="$(scripts/package.sh --debug | tail -1)"
PARLEY_XVFB=1 scripts/desktop-session.sh scripts/package-check.sh "$deb"

step "all tests passed"
