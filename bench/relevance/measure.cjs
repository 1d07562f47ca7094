// Runs the relevance benchmark's queries (queries.tsv) in headless Chromium
// against vouch's search page and against Pagefind's API on the same built
// sites, and prints hit@1/3/10, MRR@10, the zero-result rate, bytes and time
// per engine and per kind of query. Called by run.sh, which builds the sites.
//
// Usage: node measure.cjs SITES_DIR QUERIES [JSON_OUT]
//   SITES_DIR holds site-<key>/ for every site key of the queries, each built
//   by vouch and indexed by Pagefind into _pagefind/.
// Environment: VOUCH_CHROMIUM (default chromium), NODE_PATH with
// puppeteer-core, ENGINES (default "vouch pagefind").
"use strict";

const fs = require("fs");
const http = require("http");
const path = require("path");
const zlib = require("zlib");
const puppeteer = require("puppeteer-core");

const [sitesDir, queriesFile, jsonOut] = process.argv.slice(2);
const engines = (process.env.ENGINES || "vouch pagefind").split(/\s+/).filter(Boolean);

const queries = fs
  .readFileSync(queriesFile, "utf8")
  .split("\n")
  .filter((l) => l.trim() && !l.startsWith("#"))
  .map((l) => {
    const [site, kind, lang, q, answers] = l.split("\t");
    return { site, kind, lang, q, answers: answers.split(" ").filter(Boolean) };
  });

// One static server per site, logging the files each page load fetches.
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".json": "application/json", ".css": "text/css", ".wasm": "application/wasm" };
function serve(root) {
  const log = [];
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (p.endsWith("/")) p += "index.html";
    const file = path.join(root, p);
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      res.end();
      return;
    }
    const body = fs.readFileSync(file);
    log.push({ path: p, body });
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "cache-control": "no-store" });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, log, port: server.address().port })));
}

// The page paths of results, relative to the site root, as queries.tsv
// writes answers.
function normalize(href, port) {
  const u = new URL(href, `http://127.0.0.1:${port}/`);
  return decodeURIComponent(u.pathname).replace(/^\//, "").replace(/index\.html$/, "");
}

// Bytes a query fetched: the search's own files (index and code), raw and
// as a server would send them gzipped. Pagefind's index files are gzipped
// already, so their bytes on disk are what travels.
function bytes(log, engine) {
  let raw = 0;
  let gz = 0;
  let files = 0;
  for (const { path: p, body } of log) {
    const mine =
      engine === "vouch"
        ? p.startsWith("/_/search/") && (p.endsWith(".json") || p.endsWith(".js"))
        : p.startsWith("/_pagefind/");
    const code = engine === "vouch" && (p.endsWith("/search.js") || p.endsWith("/vouch.js"));
    if (!mine && !code) continue;
    files += 1;
    raw += body.length;
    const compressed = engine === "pagefind" && !p.endsWith(".js") && !p.endsWith(".json");
    gz += compressed ? body.length : zlib.gzipSync(body, { level: 6 }).length;
  }
  return { files, raw, gz };
}

const PF_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>pagefind</title>
<script type="module">
const pf = await import("/_pagefind/pagefind.js");
await pf.options({ excerptLength: 30 });
const q = new URLSearchParams(location.search).get("q");
const r = await pf.search(q);
const top = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
window.benchOut = { urls: top.map((d) => d.url), total: r.results.length, ms: performance.now() };
document.documentElement.setAttribute("data-done", "1");
</script></html>`;

async function run() {
  const browser = await puppeteer.launch({
    executablePath: process.env.VOUCH_CHROMIUM || "chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const servers = {};
  for (const site of new Set(queries.map((q) => q.site))) {
    const root = path.resolve(sitesDir, `site-${site}`);
    fs.writeFileSync(path.join(root, "_pfbench.html"), PF_PAGE);
    servers[site] = await serve(root);
  }
  const rows = [];
  for (const query of queries) {
    for (const engine of engines) {
      const s = servers[query.site];
      s.log.length = 0;
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      const q = encodeURIComponent(query.q);
      let urls = [];
      let ms = 0;
      let total = 0;
      if (engine === "vouch") {
        await page.goto(`http://127.0.0.1:${s.port}/_/search/?q=${q}`);
        await page.waitForSelector("html[data-search-ready]", { timeout: 20000 });
        const out = await page.evaluate(() => ({
          urls: Array.from(document.querySelectorAll("#search-results li > a:first-child")).map((a) => a.href),
          ms: performance.now(),
          status: document.getElementById("search-status").textContent,
        }));
        urls = out.urls;
        ms = out.ms;
        total = urls.length;
      } else {
        await page.goto(`http://127.0.0.1:${s.port}/_pfbench.html?q=${q}`);
        await page.waitForSelector("html[data-done]", { timeout: 20000 });
        const out = await page.evaluate(() => window.benchOut);
        urls = out.urls;
        ms = out.ms;
        total = out.total;
      }
      await context.close();
      const got = urls.slice(0, 10).map((u) => normalize(u, s.port));
      const rank = got.findIndex((u) => query.answers.includes(u)) + 1;
      rows.push({ ...query, engine, got, rank, total, ms, bytes: bytes(s.log, engine) });
    }
  }
  await browser.close();
  for (const s of Object.values(servers)) s.server.close();
  return rows;
}

function summarize(rows) {
  const stats = (list) => {
    const n = list.length;
    const hit = (k) => list.filter((r) => r.rank >= 1 && r.rank <= k).length / n;
    const mrr = list.reduce((a, r) => a + (r.rank ? 1 / r.rank : 0), 0) / n;
    const zero = list.filter((r) => r.total === 0).length / n;
    const mean = (f) => list.reduce((a, r) => a + f(r), 0) / n;
    return {
      n,
      hit1: hit(1),
      hit3: hit(3),
      hit10: hit(10),
      mrr,
      zero,
      kbGz: mean((r) => r.bytes.gz) / 1024,
      kbRaw: mean((r) => r.bytes.raw) / 1024,
      files: mean((r) => r.bytes.files),
      ms: mean((r) => r.ms),
    };
  };
  const kinds = Array.from(new Set(rows.map((r) => r.kind))).sort();
  const f = (x) => x.toFixed(2);
  const lines = [];
  lines.push("| engine | kind | queries | hit@1 | hit@3 | hit@10 | MRR@10 | zero results | KB gzip | KB raw | files | ms |");
  lines.push("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const kind of ["all", ...kinds]) {
    for (const engine of engines) {
      const list = rows.filter((r) => r.engine === engine && (kind === "all" || r.kind === kind));
      if (!list.length) continue;
      const s = stats(list);
      lines.push(
        `| ${engine} | ${kind} | ${s.n} | ${f(s.hit1)} | ${f(s.hit3)} | ${f(s.hit10)} | ${f(s.mrr)} | ${(s.zero * 100).toFixed(1)} % | ${s.kbGz.toFixed(1)} | ${s.kbRaw.toFixed(1)} | ${s.files.toFixed(1)} | ${s.ms.toFixed(0)} |`,
      );
    }
  }
  return lines.join("\n");
}

run()
  .then((rows) => {
    if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(rows, null, 1));
    for (const r of rows) {
      if (r.rank !== 1) {
        console.log(`${r.engine.padEnd(8)} ${r.site.padEnd(5)} ${r.kind.padEnd(10)} rank ${r.rank || "-"} ${JSON.stringify(r.q)} → ${r.got.slice(0, 3).join(" ") || "(none)"}`);
      }
    }
    console.log();
    console.log(summarize(rows));
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
