#!/usr/bin/env bash
# Benchmarks reading card history: a generated corpus of N cards given C
# commits (`examples/generate_history.rs`, through `git fast-import`), then
# `vouch check` with history (best of 5) against the same check with git
# hidden (GIT_DIR pointing nowhere), and `vouch build`.
# Usage: bench/history.sh [N] [C]   (default 10000 cards, 20000 commits)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
c=${2:-20000}
cargo build --release --quiet --bin vouch --example generate_corpus --example generate_history
repo="bench/history-$n-$c"
if [ ! -d "$repo/.git" ]; then
  rm -rf "$repo"
  target/release/examples/generate_corpus "$n" "$repo" >/dev/null
  git -C "$repo" init -q -b main
  start=$(date +%s%N)
  target/release/examples/generate_history "$repo" "$c" | git -C "$repo" fast-import --quiet
  git -C "$repo" reset -q --hard main
  echo "history made: $(git -C "$repo" rev-list --count HEAD) commits in $(( ($(date +%s%N) - start) / 1000000 )) ms"
fi
best_of_5() {
  local best=""
  for _ in 1 2 3 4 5; do
    local start ms
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}
vouch="$PWD/target/release/vouch"
with=$(best_of_5 "$vouch" check "$repo" --today 2026-11-25 --format json)
without=$(GIT_DIR=/nonexistent best_of_5 "$vouch" check "$repo" --today 2026-11-25 --format json)
log=$(best_of_5 git -C "$repo" log -z --raw --no-abbrev --find-renames "--format=%x1e%H%x00%aI%x00%an" -- .)
warned=$("$vouch" check "$repo" --today 2026-11-25 --format json | grep -c '"code": "changed-after-verification"' || true)
echo "check $n cards, $c commits: ${with} ms with history, ${without} ms without (git log alone: ${log} ms); ${warned} changed-after-verification"
build=$(best_of_5 "$vouch" build "$repo" -o "bench/site-history-$n" --today 2026-11-25 --quiet)
echo "build $n cards, $c commits: ${build} ms"
