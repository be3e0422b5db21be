# Sourced by the other scripts: one build folder shared by every clone on this machine, so a
# fresh clone (CI) builds warm. Override with CARGO_TARGET_DIR.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/parley/target}"
export PATH="$HOME/.cargo/bin:$PATH"
PARLEY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PARLEY_ROOT
