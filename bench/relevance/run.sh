#!/usr/bin/env bash
# The relevance benchmark: vouch's search against Pagefind on the same built
# card pages. Builds the four tech-docs repositories (../shared/corpora, copied
# to a temporary folder first) and bench/relevance/kb with vouch, indexes each
# site's card pages with Pagefind (their <main>, so both engines see the same
# text without the site's chrome), and runs queries.tsv in headless Chromium.
# Usage: bench/relevance/run.sh [OUT]   (default OUT: /tmp/vouch-relevance)
# Needs chromium, node and npm; installs pagefind and puppeteer-core into OUT.
# VOUCH=path measures another build of vouch; ENGINES="vouch" skips Pagefind.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-/tmp/vouch-relevance}"
corpora="${CORPORA:-$repo/../shared/corpora/techdocs}"
mkdir -p "$out"
if [ -z "${VOUCH:-}" ]; then
  (cd "$repo" && cargo build --release --quiet --bin vouch)
  VOUCH="$repo/target/release/vouch"
fi
[ -d "$out/npm/node_modules/pagefind" ] ||
  npm install --silent --no-audit --no-fund --prefix "$out/npm" pagefind@1.6.0 puppeteer-core@24.43.1

# The tech-docs repositories are copied whole and built from their top, so
# vouch reads them as the tech-docs gem does (their `source/`).
declare -A sources=(
  [govuk]="$corpora/govuk-developer-docs"
  [gds]="$corpora/gds-way"
  [cloud]="$corpora/cloud-platform-user-guide"
  [mod]="$corpora/modernisation-platform"
  [kb]="$here/kb"
)
for key in "${!sources[@]}"; do
  src="$out/src-$key"
  site="$out/site-$key"
  rm -rf "$src" "$site"
  cp -r "${sources[$key]}" "$src"
  # The repositories' own broken links are diagnostics, not failures here.
  "$VOUCH" build "$src" -o "$site" --today 2026-11-25 --quiet >/dev/null 2>&1 || true
  # Pagefind indexes the card pages only (the URLs in cards.json), as vouch does.
  stage="$out/stage-$key"
  rm -rf "$stage"
  python3 - "$site" "$stage" <<'PY'
import json, os, shutil, sys
site, stage = sys.argv[1:]
for card in json.load(open(os.path.join(site, "cards.json")))["cards"]:
    page = os.path.join(card["url"], "index.html")
    os.makedirs(os.path.join(stage, card["url"]), exist_ok=True)
    shutil.copy(os.path.join(site, page), os.path.join(stage, page))
PY
  "$out/npm/node_modules/.bin/pagefind" --site "$stage" --output-path "$site/_pagefind" \
    --root-selector main --quiet
done
export VOUCH_CHROMIUM="${VOUCH_CHROMIUM:-$(command -v chromium)}"
NODE_PATH="$out/npm/node_modules" node "$here/measure.cjs" "$out" "$here/queries.tsv" "$out/rows.json"
