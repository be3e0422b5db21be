#!/usr/bin/env bash
# Fuzzes every decoder of untrusted input with cargo-fuzz (nightly): the four services' codecs
# (MEXC's also with fuzzed JSON inside a valid envelope) and the Mixin keystore parser, SECONDS
# each (default 60), or PARLEY_FUZZ_RUNS inputs each, and prints each target's executions.
#   bash scripts/fuzz.sh 300
#   PARLEY_FUZZ_RUNS=10000000 bash scripts/fuzz.sh
# Crashes land in fuzz/artifacts/<target>/; the corpus grows in fuzz/corpus/<target>/ (not kept in git;
# fuzz/seeds/<target>/ holds hand-made starting inputs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
seconds="${1:-60}"
cd "$PARLEY_ROOT/fuzz"
# Sanitizer builds do not share artifacts with the normal ones: keep them apart.
export CARGO_TARGET_DIR="${PARLEY_FUZZ_TARGET_DIR:-$HOME/.cache/parley/fuzz-target}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
targets=(decode_mockly decode_mexc decode_mexc_inner decode_realtime decode_mixin mixin_keystore)
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "seeds/$target"
  log="$(mktemp -t parley-fuzz.XXXXXX)"
  if [[ -n "${PARLEY_FUZZ_RUNS:-}" ]]; then limit=(-runs="$PARLEY_FUZZ_RUNS"); else limit=(-max_total_time="$seconds"); fi
  start=$SECONDS
  if ! cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- "${limit[@]}" -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz: $target found a crash (see fuzz/artifacts/$target/)" >&2
    exit 1
  fi
  runs=$(grep -m1 "stat::number_of_executed_units" "$log" | awk '{print $2}')
  echo "fuzz: $target ran ${runs:-?} inputs in $((SECONDS - start)) s without a crash"
  rm -f "$log"
done
