#!/usr/bin/env bash
# End-to-end tests of the real app binary given as $1 (parley-sim beside it); PARLEY_E2E_ONLY
# picks one test file. Expects a display and a Secret Service (run it inside desktop-session.sh).
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
# Detailed logs, so the tests that search the app's log for secrets search what a user who
# turns logging up for a bug report would attach.
export PARLEY_LOG="${PARLEY_LOG:-debug}"
exec bash "$here/webdriver-session.sh" "${1:?usage: e2e.sh PATH-TO-PARLEY-BINARY}" \
  node --test --test-concurrency=1 "${PARLEY_E2E_ONLY:-tests/e2e/}"
