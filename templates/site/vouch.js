// vouch's page clock: re-evaluates what the build wrote against the reader's
// day, so a card that expires between two builds shows as stale on time.
// - every trust badge (`data-due`, `data-expiring-from` on the badge);
// - the card's trust panel: its tint, its advice and "due in …";
// - totals (trust scores and counts): when the reader's day is after the
//   build, from `_/totals.json` (each scope's due dates), fetched only then;
// - "as of" notes beside totals: the reader's day once re-counted.
// Without JavaScript the states and totals of the build day stay, each
// total with the build date beside it. The site's words are written in by
// the build (templates/i18n/), and other scripts use them through
// `window.vouch`.
(function () {
  "use strict";
  var WORDS = /*vouch:words*/{};
  var DAY = 86400000;
  var lang = document.documentElement.lang || "en";

  function word(key, args) {
    var entry = WORDS[key];
    if (entry && typeof entry === "object" && !Array.isArray(entry)) {
      var n = args && typeof args.n === "number" ? args.n : 0;
      var form = new Intl.PluralRules(lang).select(n);
      entry = entry[form] || entry.other;
    }
    if (typeof entry !== "string") return key;
    return entry.replace(/\{(\w+)\}/g, function (all, name) {
      return args && args[name] !== undefined ? String(args[name]) : all;
    });
  }

  function dayNumber(iso) {
    return Math.round(Date.parse(iso + "T00:00:00Z") / DAY);
  }

  function dayWords(iso) {
    var months = WORDS.months || [];
    var p = iso.split("-");
    return word("date", { day: String(Number(p[2])), month: months[Number(p[1]) - 1] || p[1], year: p[0] });
  }

  function dueWords(due, today) {
    var d = dayNumber(due) - dayNumber(today);
    if (d === 0) return word("due_today");
    var span = word("days", { n: Math.abs(d) });
    return word(d > 0 ? "due_in" : "due_ago", { span: span });
  }

  function todayUtc() {
    return new Date().toISOString().slice(0, 10);
  }

  function stateOn(today, due, expiringFrom) {
    if (today > due) return "stale";
    if (today >= expiringFrom) return "expiring";
    return "fresh";
  }

  var LIVE = { fresh: 1, expiring: 1, stale: 1 };

  function refreshBadges(today) {
    var badges = document.querySelectorAll("[data-vouch-badge][data-due]");
    for (var i = 0; i < badges.length; i++) {
      var badge = badges[i];
      var built = badge.getAttribute("data-state");
      if (!LIVE[built]) continue;
      var state = stateOn(today, badge.getAttribute("data-due"), badge.getAttribute("data-expiring-from"));
      if (state === built) continue;
      badge.className = badge.className.replace("badge-" + built, "badge-" + state);
      badge.setAttribute("data-state", state);
      badge.textContent = word("state_" + state);
    }
    var panel = document.querySelector("[data-vouch-panel][data-due]");
    if (panel && LIVE[panel.getAttribute("data-state")]) {
      var was = panel.getAttribute("data-state");
      var now = stateOn(today, panel.getAttribute("data-due"), panel.getAttribute("data-expiring-from"));
      if (now !== was) {
        panel.className = panel.className.replace("trust-" + was, "trust-" + now);
        panel.setAttribute("data-state", now);
        var advice = panel.querySelector("[data-vouch-advice]");
        if (advice) advice.textContent = word("advice_" + now, { owners: panel.getAttribute("data-owners") || word("the_owners") });
      }
    }
    var dues = document.querySelectorAll("[data-vouch-due]");
    for (var j = 0; j < dues.length; j++) dues[j].textContent = dueWords(dues[j].getAttribute("data-vouch-due"), today);
  }

  // The counts of a scope on day `d` (days since the build), from the
  // build's counts and the due dates of the cards not stale at the build.
  function countsOn(scope, d) {
    var stale = scope.s, expiring = 0;
    for (var i = 0; i < scope.d.length; i++) {
      var due = scope.d[i][0], from = scope.d[i][1], n = scope.d[i][2];
      if (d > due) stale += n;
      else if (d >= from) expiring += n;
    }
    var total = scope.t;
    return { stale: stale, expiring: expiring, fresh: total - scope.u - stale - expiring, total: total, ok: total - scope.u - stale };
  }

  // The dashboard's chart of cards by weeks until due, on day `d` after the
  // build: the site's stale cards are overdue, the others fall into weeks.
  function redrawDueChart(d, site) {
    var chart = document.querySelector("[data-vouch-due-chart]");
    if (!chart || !site) return;
    var weeks = Number(chart.getAttribute("data-weeks"));
    var height = Number(chart.getAttribute("data-bar-height"));
    var top = Number(chart.getAttribute("data-bar-top"));
    var buckets = [];
    for (var b = 0; b < weeks + 2; b++) buckets.push(0);
    buckets[0] = site.s;
    for (var i = 0; i < site.d.length; i++) {
      var left = site.d[i][0] - d;
      buckets[left < 0 ? 0 : 1 + Math.min(Math.floor(left / 7), weeks)] += site.d[i][2];
    }
    var max = Math.max.apply(null, buckets.concat([1]));
    for (var k = 0; k < buckets.length; k++) {
      var bar = chart.querySelector('[data-bucket="' + k + '"]');
      var label = chart.querySelector('[data-bucket-count="' + k + '"]');
      if (!bar || !label) continue;
      var h = Math.floor((buckets[k] * height) / max);
      bar.setAttribute("y", String(height + top - h));
      bar.setAttribute("height", String(h));
      var title = bar.querySelector("title");
      if (title) title.textContent = title.textContent.replace(/\d+$/, String(buckets[k]));
      label.textContent = String(buckets[k]);
      label.setAttribute("y", String(height + top - h - 4));
    }
  }

  function refreshTotals(today, totals) {
    var d = dayNumber(today) - dayNumber(totals.built);
    var counted = {};
    var on = function (key) {
      if (!(key in counted)) counted[key] = totals.scopes[key] ? countsOn(totals.scopes[key], d) : null;
      return counted[key];
    };
    var scores = document.querySelectorAll("[data-vouch-score]");
    for (var i = 0; i < scores.length; i++) {
      var c = on(scores[i].getAttribute("data-vouch-score"));
      if (!c || !c.total) continue;
      var percent = Math.floor((c.ok * 100) / c.total);
      scores[i].textContent = percent + "%";
      scores[i].classList.toggle("score-low", percent < 80);
      scores[i].title = word("score_title", { ok: c.ok, total: c.total });
    }
    var counts = document.querySelectorAll("[data-vouch-count]");
    for (var j = 0; j < counts.length; j++) {
      var el = counts[j];
      var k = on(el.getAttribute("data-vouch-count"));
      var state = el.getAttribute("data-count-state");
      if (!k || k[state] === undefined) continue;
      el.textContent = el.hasAttribute("data-bare") ? String(k[state]) : word(state + "_count", { n: k[state] });
    }
    redrawDueChart(d, totals.scopes.s);
    var notes = document.querySelectorAll("[data-vouch-as-of]");
    for (var n = 0; n < notes.length; n++) notes[n].textContent = "(" + word("as_of", { date: dayWords(today) }) + ")";
  }

  function refresh() {
    var today = todayUtc();
    refreshBadges(today);
    var built = document.body.getAttribute("data-built");
    var wanted = document.querySelector("[data-vouch-score], [data-vouch-count]");
    if (!built || !wanted || today <= built) return;
    fetch(document.body.getAttribute("data-totals"))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (totals) { refreshTotals(today, totals); })
      .catch(function () { /* the build's totals, with their date, stay */ });
  }

  // "/" focuses the search box, as on GitHub and in most documentation sites;
  // so do Ctrl-K and Cmd-K, from anywhere (as in most docs sites' search).
  document.addEventListener("keydown", function (e) {
    var slash = e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey;
    var k = (e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey;
    if (!slash && !k) return;
    var target = e.target;
    if (slash && target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var box = document.getElementById("search-q") || document.getElementById("site-search-q");
    if (box) {
      e.preventDefault();
      box.focus();
      box.select();
    }
  });

  // --- Copy buttons -------------------------------------------------------------
  // Each section heading of a card ends with a link to itself (written by the
  // build, so it works without JavaScript); here it gains a button that copies
  // that link, and each code block a button that copies its code.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // Pages opened from the disk have no clipboard API: the old way.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error("copy"));
    });
  }

  var said = null;
  // Says `text` to screen readers (the button's own text changes too).
  function say(text) {
    if (!said) {
      said = document.createElement("p");
      said.className = "visually-hidden";
      said.setAttribute("role", "status");
      document.body.appendChild(said);
    }
    said.textContent = text;
  }

  function copyButton(className, label, shown, text) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button " + className;
    button.setAttribute("aria-label", label);
    button.title = label;
    var show = function (what) {
      button.textContent = "";
      if (typeof what === "string") button.textContent = what;
      else button.appendChild(what());
    };
    show(shown);
    button.addEventListener("click", function () {
      copyText(text()).then(function () {
        show("✓");
        button.setAttribute("data-copied", "");
        say(word("copied"));
        setTimeout(function () {
          show(shown);
          button.removeAttribute("data-copied");
        }, 2000);
      }, function () { say(word("copy_failed")); });
    });
    return button;
  }

  // Two overlapping sheets: "copy", drawn in the text's colour.
  function copyIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    [["5", "5", "9", "9"], ["2", "2", "9", "9"]].forEach(function (r, i) {
      var rect = document.createElementNS(ns, "rect");
      rect.setAttribute("x", r[0]);
      rect.setAttribute("y", r[1]);
      rect.setAttribute("width", r[2]);
      rect.setAttribute("height", r[3]);
      rect.setAttribute("rx", "1.5");
      rect.setAttribute("fill", i ? "var(--bg, #fff)" : "none");
      rect.setAttribute("stroke", "currentColor");
      rect.setAttribute("stroke-width", "1.5");
      svg.appendChild(rect);
    });
    return svg;
  }

  function addCopyButtons() {
    var body = document.querySelector(".card-body");
    if (!body) return;
    Array.prototype.forEach.call(body.querySelectorAll("a.heading-anchor"), function (a) {
      a.after(copyButton("copy-link", word("copy_link"), copyIcon, function () {
        return location.href.split("#")[0] + a.getAttribute("href");
      }));
    });
    Array.prototype.forEach.call(body.querySelectorAll("pre"), function (pre) {
      var code = pre.querySelector("code") || pre;
      var box = document.createElement("div");
      box.className = "code-block";
      pre.parentNode.insertBefore(box, pre);
      box.appendChild(pre);
      box.appendChild(copyButton("copy-code", word("copy_code"), word("copy"), function () {
        return code.textContent;
      }));
    });
  }

  window.vouch = { word: word, dayWords: dayWords };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addCopyButtons);
  } else {
    addCopyButtons();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refresh);
  } else {
    refresh();
  }
})();
