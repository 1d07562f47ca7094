#!/usr/bin/env bash
# Times vouch on inputs a hostile pull request could commit, each of which
# once took seconds to minutes (quadratic work) or crashed: 49,000
# front-matter keys, 20,000 broken anchors and 160,000 broken links on one
# line, 40,000 nested
# <div>, a 60,000-letter word. Prints wall time (best of 3) per input.
# Usage: bench/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin vouch
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head='---\ntitle: hostile\nowners: [ana]\nverified: 2026-11-01\n'
make() { # name, python expression printing the card after its header
  mkdir -p "$work/$1/kb/a"
  : > "$work/$1/kb/vouch.yaml"
  python3 -c "import sys; sys.stdout.write('$head'.replace('\\\\n', '\n') + $2)" > "$work/$1/kb/a/card.md"
}
make keys "''.join('x-k%d: 1\n' % i for i in range(49000)) + '---\nbody\n'"
make anchors "'---\n## h\n' + ' '.join('[x](#nope%d)' % i for i in range(20000)) + '\n'"
make links "'---\n' + ' '.join('[x](m%d.md)' % i for i in range(160000)) + '\n'"
make divs "'---\n' + '<div>' * 40000 + 'x' + '</div>' * 40000 + '\n'"
make word "'---\n' + 'a' * 60000 + '\n'"
for name in keys anchors links divs word; do
  for command in check build; do
    best=""
    for _ in 1 2 3; do
      start=$(date +%s%N)
      target/release/vouch "$command" "$work/$name/kb" $([ "$command" = build ] && echo -o "$work/$name/site") --today 2026-11-25 \
        >/dev/null 2>&1 || true
      ms=$(( ($(date +%s%N) - start) / 1000000 ))
      if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    echo "$name $command: ${best} ms"
  done
done
