#!/usr/bin/env bash
# vouch against Hugo on the same generated corpora, run alternately in one
# run so both see the same machine. For each size: `vouch build` cold (empty
# output, no cache) and warm (the previous site cached beside the output),
# Hugo's build of the same Markdown, `vouch check`, and the bytes of a first
# search query. Wall time is the median of RUNS; CPU time (user+sys) and
# peak RSS come from GNU time. With `--serve`, also serve's save->page
# latency (bench/serve.py) at each size; with `--history`, check with a
# git history (bench/history.sh).
#
# Usage: bench/run.sh [--serve] [--history] [N ...]   (default: 1000 10000)
# VOUCH_TIMINGS=1 on any vouch command prints its phases' times to stderr.
# Output goes to a tmpfs (/dev/shm) when there is one; RUNS=5 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
serve=0
history=0
sizes=()
for arg in "$@"; do
  case "$arg" in
    --serve) serve=1 ;;
    --history) history=1 ;;
    *) sizes+=("$arg") ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
runs=${RUNS:-5}
cargo build --release --quiet --bin vouch --example generate_corpus
# VOUCH=path measures another binary (an older build, say) the same way.
vouch="${VOUCH:-$PWD/target/release/vouch}"
work=/dev/shm
[ -d "$work" ] && [ -w "$work" ] || work=${TMPDIR:-/tmp}
work="$work/vouch-bench"
mkdir -p "$work"
hugo=$(command -v hugo || true)

# One measured run: prints "wall_ms cpu_ms rss_mb".
measure() {
  local out
  /usr/bin/time -o "$work/time" -f '%e %U %S %M' "$@" >/dev/null 2>&1 || true
  out=$(tail -1 "$work/time")
  awk -v o="$out" 'BEGIN { split(o, a, " "); printf "%d %d %d\n", a[1] * 1000, (a[2] + a[3]) * 1000, a[4] / 1024 }'
}

# Median wall, median CPU and the largest RSS of several runs of a command
# (the `prepare` function, if given as PREPARE, runs before each, untimed).
median_of() {
  local walls=() cpus=() rss=0 line
  for _ in $(seq "$runs"); do
    if [ -n "${PREPARE:-}" ]; then $PREPARE; fi
    line=$(measure "$@")
    walls+=("$(echo "$line" | cut -d' ' -f1)")
    cpus+=("$(echo "$line" | cut -d' ' -f2)")
    local r
    r=$(echo "$line" | cut -d' ' -f3)
    [ "$r" -gt "$rss" ] && rss=$r
  done
  local wall cpu
  wall=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  echo "$wall $cpu $rss"
}

hugo_site() {
  local corpus=$1 dir=$2
  mkdir -p "$dir/layouts/_default"
  cat >"$dir/hugo.toml" <<EOF
baseURL = "http://localhost/"
title = "bench"
contentDir = "$corpus"
disableKinds = ["RSS"]
[taxonomies]
tag = "tags"
EOF
  cat >"$dir/layouts/_default/baseof.html" <<'EOF'
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><main>{{ block "main" . }}{{ end }}</main></body></html>
EOF
  cat >"$dir/layouts/_default/single.html" <<'EOF'
{{ define "main" }}<article><h1>{{ .Title }}</h1><p>Verified {{ .Params.verified }} by {{ .Params.verified_by }}</p><nav>{{ .TableOfContents }}</nav>{{ .Content }}<ul>{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul></article>{{ end }}
EOF
  cat >"$dir/layouts/_default/list.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
EOF
}

row() { printf '%-34s %9s %9s %8s  %s\n' "$@"; }
row "" "wall ms" "CPU ms" "RSS MB" ""
for n in "${sizes[@]}"; do
  corpus="$work/corpus-$n"
  [ -d "$corpus" ] || "$PWD/target/release/examples/generate_corpus" "$n" "$corpus" >/dev/null
  out="$work/site-$n"
  cold() { rm -rf "$out" "$work/.site-$n.vouch-cache"; }
  # Alternate vouch and Hugo run by run, so a noisy neighbour hits both.
  PREPARE=cold read -r vc_wall vc_cpu vc_rss < <(median_of "$vouch" build "$corpus" -o "$out" --today 2026-11-25 --quiet)
  "$vouch" build "$corpus" -o "$out" --today 2026-11-25 --quiet >/dev/null 2>&1 || true
  read -r vw_wall vw_cpu vw_rss < <(median_of "$vouch" build "$corpus" -o "$out" --today 2026-11-25 --quiet)
  read -r ck_wall ck_cpu ck_rss < <(median_of "$vouch" check "$corpus" --today 2026-11-25 --quiet --format json)
  row "vouch build, $n cards, cold" "$vc_wall" "$vc_cpu" "$vc_rss" ""
  row "vouch build, $n cards, warm" "$vw_wall" "$vw_cpu" "$vw_rss" ""
  row "vouch check, $n cards" "$ck_wall" "$ck_cpu" "$ck_rss" ""
  if [ -n "$hugo" ]; then
    hsite="$work/hugo-$n"
    [ -d "$hsite" ] || hugo_site "$corpus" "$hsite"
    read -r h_wall h_cpu h_rss < <(median_of "$hugo" --quiet -s "$hsite" -d "$work/hugo-out-$n" --cleanDestinationDir)
    row "hugo build, $n cards" "$h_wall" "$h_cpu" "$h_rss" ""
    awk -v h="$h_wall" -v c="$vc_wall" -v w="$vw_wall" 'BEGIN { printf "  Hugo / vouch: %.1fx cold, %.1fx warm\n", h / c, h / w }'
  fi
  # The first query's bytes: the search page's meta.json, then every shard
  # a one-word query reads and the first chunk of results, raw and gzip.
  python3 - "$out" <<'EOF'
import gzip, json, os, sys
site = sys.argv[1]
base = os.path.join(site, "_", "search")
meta = open(os.path.join(base, "meta.json"), "rb").read()
m = json.loads(meta)
shards = set(m["shards"])
def shard_of(t):
    for n in range(min(len(t), 6), 0, -1):
        if t[:n] in shards:
            return t[:n]
# As the client does for a word being typed: the shard of each variant
# (the word and its English stem) and every shard the prefix may reach.
word = "customer"
keys = {shard_of(v) for v in (word, "custom")} - {None}
keys |= {k for k in shards if k.startswith(word) or (word.startswith(k) and shard_of(word) == k)}
files = [meta] + [open(os.path.join(base, "t", k.encode().hex() + ".json"), "rb").read() for k in keys]
files.append(open(os.path.join(base, "d", "0.json"), "rb").read())
raw = sum(len(f) for f in files)
gz = sum(len(gzip.compress(f)) for f in files)
print(f"  first query \"{word}\": {len(files)} files, {raw // 1024} KB raw, {gz // 1024} KB gzip")
EOF
  if [ "$serve" = 1 ]; then
    TMPDIR="$work" python3 bench/serve.py "$vouch" "$corpus" 20 0.5 | tail -1 | sed 's/^/  /'
  fi
done
if [ "$history" = 1 ]; then
  bench/history.sh
fi
