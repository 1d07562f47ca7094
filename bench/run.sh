#!/usr/bin/env bash
# Benchmarks `vouch check` and `vouch build` over generated corpora: wall time
# (best of 5), peak memory and output size at 1,000 and 10,000 cards.
# Usage: bench/run.sh [N...]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin vouch --example generate_corpus
sizes=("${@:-1000 10000}")
for n in ${sizes[@]}; do
  corpus="bench/corpus-$n"
  [ -d "$corpus" ] || target/release/examples/generate_corpus "$n" "$corpus"
  best=""
  for _ in 1 2 3 4 5; do
    start=$(date +%s%N)
    target/release/vouch check "$corpus" --today 2026-11-25 --quiet --format json >/dev/null || true
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  rss=$( { /usr/bin/time -f %M target/release/vouch check "$corpus" --today 2026-11-25 --format json >/dev/null || true; } 2>&1 | tail -1 )
  echo "check  $n cards: ${best} ms (best of 5), peak RSS $((rss / 1024)) MB"
  out="bench/site-$n"
  best=""
  for _ in 1 2 3 4 5; do
    start=$(date +%s%N)
    target/release/vouch build "$corpus" -o "$out" --today 2026-11-25 --quiet --format json >/dev/null || true
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  rss=$( { /usr/bin/time -f %M target/release/vouch build "$corpus" -o "$out" --today 2026-11-25 --quiet --format json >/dev/null || true; } 2>&1 | tail -1 )
  size=$(du -sk "$out" | cut -f1)
  files=$(find "$out" -type f | wc -l)
  echo "build  $n cards: ${best} ms (best of 5), peak RSS $((rss / 1024)) MB, output $((size / 1024)) MB in $files files"
done
