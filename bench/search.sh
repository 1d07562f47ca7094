#!/usr/bin/env bash
# Measures search on generated corpora: the index's total size (raw and gzip),
# and what a first query fetches in headless Chromium (files, raw and gzip
# bytes) and how long it takes from page start to results.
# Usage: bench/search.sh [N...]   (needs chromium and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin vouch --example generate_corpus
sizes=("${@:-1000 10000}")
port=8799
for n in ${sizes[@]}; do
  corpus="bench/corpus-$n"
  site="${SITES:-bench}/site-$n"
  [ -d "$corpus" ] || target/release/examples/generate_corpus "$n" "$corpus"
  target/release/vouch build "$corpus" -o "$site" --today 2026-11-25 --quiet --format json >/dev/null || true
  python3 - "$site" <<'PY'
import gzip, os, sys
site = sys.argv[1]
raw = gz = files = 0
for d, _, fs in os.walk(os.path.join(site, "_", "search")):
    for f in fs:
        if f.endswith(".json"):
            b = open(os.path.join(d, f), "rb").read()
            raw += len(b); gz += len(gzip.compress(b, 6)); files += 1
print(f"index  {site}: {files} files, {raw/1024:.0f} KB raw, {gz/1024:.0f} KB gzip")
PY
  page="$site/_/search/bench.html"
  sed 's#</body>#<script>var t0 = performance.now(); var w = setInterval(function () { if (!document.documentElement.getAttribute("data-search-ready")) return; clearInterval(w); var p = document.createElement("pre"); p.id = "out"; p.textContent = JSON.stringify({ ms: Math.round(performance.now()), urls: performance.getEntriesByType("resource").map(function (e) { return e.name; }) }); document.body.appendChild(p); }, 5);</script></body>#' "$site/_/search/index.html" > "$page"
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site" >/dev/null 2>&1 &
  server=$!
  sleep 0.5
  for q in "refund" "customers%20billing" "cust" "how%20do%20I%20refund%20a%20customer" "refnud%20invoce"; do
    dom=$(chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
      --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" --virtual-time-budget=10000 \
      --dump-dom "http://127.0.0.1:$port/_/search/bench.html?q=$q" 2>/dev/null)
    python3 - "$site" "$q" "$dom" <<'PY'
import gzip, json, re, sys, html, urllib.parse
site, q, dom = sys.argv[1], sys.argv[2], sys.argv[3]
m = re.search(r'<pre id="out">(.*?)</pre>', dom, re.S)
data = json.loads(html.unescape(m.group(1)))
raw = gz = 0
names = [urllib.parse.urlparse(u).path for u in data["urls"] if "/search/" in u and u.endswith(".json")]
for path in names:
    b = open(site + urllib.parse.unquote(path), "rb").read()
    raw += len(b); gz += len(gzip.compress(b, 6))
print(f"query  {urllib.parse.unquote(q)!r}: {len(names)} index files, {raw/1024:.0f} KB raw, {gz/1024:.0f} KB gzip; results after {data['ms']} ms (page start to results, virtual time)")
PY
  done
  kill "$server"
done
