// Drives Chromium through the DevTools protocol (puppeteer-core) for the
// reader tests: node drive.cjs MODULES_DIR < job.json > results.json
//
// The job: { "chromium": PATH, "visits": [VISIT…] }, a visit being
//   { "url", "width", "height"?, "scheme": "light"|"dark", "today"?: "YYYY-MM-DD",
//     "texts"?: {name: selector}, "attrs"?: {name: [selector, attribute]},
//     "contrast"?: {name: selector}, "against"?: {name: [selector, selector]},
//     "boxes"?: {name: selector}, "textBoxes"?: {name: selector}, "visible"?: {name: selector},
//     "all"?: {name: [selector, attribute]}, "media"?: "print",
//     "axe"?: true, "wait"?: selector, "steps"?: [[op, arg]…], "snapOf"?: selector }
// and each result { "docWidth", "viewWidth", "nodes" (elements), "texts", "attrs", "contrast",
//   "against", "boxes", "all", "axe": [violation ids with their targets], "console",
//   "snaps" (what each "snap" step saw) }.
// `today` sets the page's clock (a script added through the protocol before
// the page's own); every measure is taken by the browser after layout.
const path = require("path");
const modules = process.argv[2];
const puppeteer = require(path.join(modules, "puppeteer-core"));
const axePath = path.join(modules, "axe-core", "axe.min.js");

const measure = () => {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const luminance = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  // The colour behind an element: its own background, else its ancestors'.
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return parse(getComputedStyle(document.documentElement).backgroundColor || "rgb(255,255,255)");
  };
  return { parse, ratio, background };
};

(async () => {
  const job = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const browser = await puppeteer.launch({
    executablePath: job.chromium,
    args: ["--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--allow-file-access-from-files"],
  });
  const results = [];
  try {
    for (const v of job.visits) {
      const page = await browser.newPage();
      const consoleLines = [];
      page.on("console", (m) => { if (m.type() === "error") consoleLines.push(m.text()); });
      page.on("pageerror", (e) => consoleLines.push(String(e)));
      await page.setViewport({ width: v.width, height: v.height || 800 });
      await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: v.scheme || "light" }]);
      if (v.media) await page.emulateMediaType(v.media);
      if (v.today) {
        // The page's clock starts at noon UTC of `today` and then runs as
        // the real one does (as Playwright's clock does, by a script the
        // DevTools protocol adds before any of the page's own).
        await page.evaluateOnNewDocument(`(() => {
            const start = Date.parse(${JSON.stringify(v.today + "T12:00:00Z")});
            const real = Date.now();
            const Real = Date;
            const now = () => start + (Real.now() - real);
            function Fake(...args) {
              if (!new.target) return new Real(now()).toString();
              return args.length ? new Real(...args) : new Real(now());
            }
            Fake.prototype = Real.prototype;
            Fake.now = now;
            Fake.parse = Real.parse;
            Fake.UTC = Real.UTC;
            globalThis.Date = Fake;
          })();`);
      }
      if (v.clipboard) {
        await browser.defaultBrowserContext().overridePermissions(new URL(v.url).origin, ["clipboard-read", "clipboard-write", "clipboard-sanitized-write"]);
      }
      await page.goto(v.url, { waitUntil: "load" });
      if (v.wait) await page.waitForSelector(v.wait, { timeout: 5000 }).catch(() => {});
      await new Promise((r) => setTimeout(r, v.settle || 150));
      // Steps through the DevTools protocol, as a reader's keys and mouse:
      // ["press", "Control+k" | "ArrowDown" …], ["type", text],
      // ["click", selector] (the mouse, at its centre), ["activate", selector]
      // (the element's own click, as Enter on it), ["wait", selector], ["waitGone", selector],
      // ["snap", name] (records the focused element, and the text of `v.snapOf`,
      // a selector, and whether it is hidden, under `snaps[name]`; with
      // `v.clipboard`, the page may use the clipboard and snaps read it).
      const snaps = {};
      for (const [op, arg] of v.steps || []) {
        if (op === "press") {
          const keys = arg.split("+");
          for (const k of keys.slice(0, -1)) await page.keyboard.down(k);
          await page.keyboard.press(keys[keys.length - 1]);
          for (const k of keys.slice(0, -1).reverse()) await page.keyboard.up(k);
        } else if (op === "type") await page.keyboard.type(arg);
        else if (op === "click") await page.click(arg);
        else if (op === "activate") await page.$eval(arg, (e) => e.click());
        else if (op === "wait") await page.waitForSelector(arg, { timeout: 5000 });
        else if (op === "waitGone") await page.waitForSelector(arg, { hidden: true, timeout: 5000 });
        else if (op === "snap") {
          snaps[arg] = await page.evaluate(async (sel, clip) => {
            const a = document.activeElement;
            const panel = sel && document.querySelector(sel);
            return {
              focus: a ? (a.id ? "#" + a.id : a.tagName.toLowerCase()) + (a.href ? " " + a.getAttribute("href") : "") : null,
              focusText: a ? a.textContent.trim() : null,
              shown: panel ? panel.innerText.trim() : null,
              hidden: panel ? panel.hidden : null,
              url: location.pathname + location.search,
              clipboard: clip ? await navigator.clipboard.readText() : null,
            };
          }, v.snapOf || null, !!v.clipboard);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      if (v.axe) await page.addScriptTag({ path: axePath });
      const out = await page.evaluate(async (v, measureSrc) => {
        const m = eval("(" + measureSrc + ")")();
        const one = (s) => document.querySelector(s);
        const r = { docWidth: document.documentElement.scrollWidth, viewWidth: innerWidth,
          texts: {}, attrs: {}, contrast: {}, against: {}, boxes: {}, all: {}, axe: null };
        r.nodes = document.getElementsByTagName("*").length;
        for (const [k, s] of Object.entries(v.texts || {})) r.texts[k] = one(s) ? one(s).textContent.trim() : null;
        for (const [k, [s, a]] of Object.entries(v.attrs || {})) r.attrs[k] = one(s) ? one(s).getAttribute(a) : null;
        for (const [k, [s, a]] of Object.entries(v.all || {}))
          r.all[k] = Array.from(document.querySelectorAll(s)).map((e) => (a ? e.getAttribute(a) : e.textContent.trim()));
        for (const [k, s] of Object.entries(v.contrast || {})) {
          const e = one(s);
          r.contrast[k] = e ? m.ratio(m.parse(getComputedStyle(e).color), m.background(e)) : null;
        }
        for (const [k, [a, b]] of Object.entries(v.against || {})) {
          const x = one(a), y = one(b);
          r.against[k] = x && y ? m.ratio(m.background(x), m.background(y)) : null;
        }
        // The box of an element's text itself (a block's box spans its column
        // whatever the text's direction).
        r.textBoxes = {};
        for (const [k, s] of Object.entries(v.textBoxes || {})) {
          const e = one(s);
          if (!e) { r.textBoxes[k] = null; continue; }
          const range = document.createRange();
          range.selectNodeContents(e);
          const b = range.getBoundingClientRect();
          r.textBoxes[k] = [b.left, b.right, b.top, b.bottom];
        }
        // Whether an element is rendered at all (a closed <details> keeps its
        // content's boxes but does not show it).
        r.visible = {};
        for (const [k, s] of Object.entries(v.visible || {})) r.visible[k] = one(s) ? one(s).checkVisibility() : null;
        for (const [k, s] of Object.entries(v.boxes || {})) {
          const e = one(s);
          if (e) { const b = e.getBoundingClientRect(); r.boxes[k] = [b.left, b.right, b.top, b.bottom]; } else r.boxes[k] = null;
        }
        if (v.axe) {
          const res = await axe.run(document, { resultTypes: ["violations"] });
          r.axe = res.violations.map((x) => x.id + ": " + x.nodes.map((n) => n.target.join(" ")).join(", "));
        }
        return r;
      }, v, measure.toString());
      out.console = consoleLines;
      out.snaps = snaps;
      results.push(out);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results));
})().catch((e) => { console.error(e); process.exit(1); });
