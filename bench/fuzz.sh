#!/usr/bin/env bash
# Runs the fuzz harness (tests/fuzz.rs) for a while instead of its fixed CI
# budget: VOUCH_FUZZ_SECONDS per target (default 600), optimised build.
# Prints how many inputs each target took; any panic fails the run.
# Usage: bench/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-${VOUCH_FUZZ_SECONDS:-600}}"
VOUCH_FUZZ_SECONDS="$seconds" cargo test --release --test fuzz -- --nocapture --test-threads=4 2>&1 |
  grep -E '^fuzz |^test |panicked|test result'
