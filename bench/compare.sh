#!/usr/bin/env bash
# Two vouch binaries on the same generated corpus, run alternately (old,
# new, old, new, …) so a noisy machine hits both alike: `build` cold (no
# output, no cache), `build` warm (the previous site cached) and `check`.
# Prints each one's median wall time over RUNS and the new/old ratio.
#
# Usage: bench/compare.sh OLD_BINARY NEW_BINARY [N]   (N cards, default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2 n=${3:-10000} runs=${RUNS:-7}
cargo build --release --quiet --example generate_corpus
work=/dev/shm
[ -d "$work" ] && [ -w "$work" ] || work=${TMPDIR:-/tmp}
work="$work/vouch-compare"
mkdir -p "$work"
corpus="$work/corpus-$n"
[ -d "$corpus" ] || target/release/examples/generate_corpus "$n" "$corpus" >/dev/null

ms() { # wall milliseconds of one run
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

for what in cold warm check; do
  : >"$work/old.$what" && : >"$work/new.$what"
done
for _ in $(seq "$runs"); do
  for who in old new; do
    bin=${!who}
    out="$work/site-$who"
    rm -rf "$out" "$work/.site-$who.vouch-cache"
    ms "$bin" build "$corpus" -o "$out" --today 2026-11-25 --quiet >>"$work/$who.cold"
    ms "$bin" build "$corpus" -o "$out" --today 2026-11-25 --quiet >>"$work/$who.warm"
    ms "$bin" check "$corpus" --today 2026-11-25 --quiet --format json >>"$work/$who.check"
  done
done
printf '%-22s %8s %8s %7s\n' "$n cards, median ms" old new new/old
for what in cold warm check; do
  o=$(median <"$work/old.$what") nw=$(median <"$work/new.$what")
  awk -v w="$what" -v o="$o" -v n="$nw" 'BEGIN { printf "%-22s %8d %8d %7.3f\n", w, o, n, n / o }'
done
