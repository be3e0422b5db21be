#!/usr/bin/env bash
# The soak test with COUNT random faults (default 1000) from fault proxies in front of the mockly,
# Realtime and Mixin simulators while messages flow both ways; then checks that the store holds
# every message exactly once and the outbox is empty. The test command runs a short series (60).
#   bash scripts/soak.sh 1000
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PARLEY_ROOT"
PARLEY_SOAK_FAULTS="${1:-1000}" cargo test --locked -p parley-core --test soak -- --nocapture
