// vouch's search client. It tokenizes a query exactly as `vouch build` tokenized
// the cards (src/search/tokenize.rs: fold, split, stem with the rules shipped in
// meta.json, which the search page preloads), drops stop words, fetches only
// the term shards and filter lists the query needs, ranks cards by BM25 (the
// build's per-card weights times each term's rarity) with bonuses for covering
// more of the query, the title and compounds, then fetches the titles of the
// results shown: two round trips (three when a misspelt word needs the shards
// of its neighbours). Words of three letters or more match as prefixes too.
// States follow the reader's clock (the week files of days passed since the
// build).
(function () {
  "use strict";

  // --- Tokenizer: keep in step with src/search/tokenize.rs -------------------
  var CJK = [
    [0x3040, 0x30ff], [0x31f0, 0x31ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff],
    [0xf900, 0xfaff], [0xff66, 0xff9f], [0x20000, 0x2fa1f]
  ];
  var WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
  var HAS_DIGIT = /\p{N}/u;

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/\p{Mn}/gu, "");
  }

  function isCjk(cp) {
    for (var i = 0; i < CJK.length; i++) {
      if (cp >= CJK[i][0] && cp <= CJK[i][1]) return true;
    }
    return false;
  }

  // MAX_WORD in tokenize.rs: longer words are cut to this many characters.
  var MAX_WORD = 64;

  function cut(word) {
    return word.length > MAX_WORD ? Array.from(word).slice(0, MAX_WORD).join("") : word;
  }

  function words(text) {
    var out = [];
    var current = "";
    for (var ch of fold(text)) {
      if (isCjk(ch.codePointAt(0))) {
        if (current) { out.push(cut(current)); current = ""; }
        out.push(ch);
      } else if (WORD_CHAR.test(ch)) {
        current += ch;
      } else if (current) {
        out.push(cut(current));
        current = "";
      }
    }
    if (current) out.push(cut(current));
    return out;
  }

  function length(s) {
    return Array.from(s).length;
  }

  function stem(word, steps) {
    if (length(word) <= 3 || HAS_DIGIT.test(word)) return word;
    for (var s = 0; s < steps.length; s++) {
      var step = steps[s];
      for (var r = 0; r < step.length; r++) {
        var suffix = step[r][0];
        if (!word.endsWith(suffix)) continue;
        var base = word.slice(0, word.length - suffix.length);
        if (length(base) >= step[r][2]) {
          word = base + step[r][1];
          break;
        }
      }
    }
    return word;
  }

  // Hebrew's one-letter prefixes off a word, once or twice, keeping three
  // letters (tokenize.rs: hebrew_forms).
  function hebrewForms(word, prefixes) {
    var out = [];
    var rest = Array.from(word);
    for (var k = 0; k < 2; k++) {
      if (!rest.length || prefixes.indexOf(rest[0]) < 0) break;
      var tail = rest.slice(1);
      if (!tail.every(function (c) { return c >= "\u05d0" && c <= "\u05ea"; })) break;
      if (tail.length < 3) break;
      rest = tail;
      out.push(rest.join(""));
    }
    return out;
  }

  // Neighbouring words, neither a stop word, written as one, with the
  // position of the first (tokenize.rs: joins).
  function joins(list, stops) {
    var out = [];
    for (var i = 0; i + 1 < list.length; i++) {
      if (stops.has(list[i]) || stops.has(list[i + 1])) continue;
      out.push({ at: i, term: cut(list[i] + list[i + 1]) });
    }
    return out;
  }

  function stopSet(lists) {
    var out = new Set();
    Object.keys(lists).forEach(function (l) { lists[l].forEach(function (w) { out.add(w); }); });
    return out;
  }

  // Exposed for the tokenizer agreement test and for scripts.
  window.vouchSearch = { fold: fold, words: words, stem: stem, hebrewForms: hebrewForms, joins: joins, stopSet: stopSet };

  // The search page's form, or the header's box on every other page (whose
  // results drop down under it).
  var form = document.getElementById("search-form");
  var header = document.querySelector("form.site-search[data-index]");
  var source = form || header;
  if (!source) return;

  // --- Index files (layout: src/search/mod.rs) --------------------------------
  var root = source.getAttribute("data-root") || "";
  var base = source.getAttribute("data-index") || "";
  var meta = null;
  var files = {};

  function getJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  // Each index file is fetched once per page.
  function file(path) {
    if (!files[path]) files[path] = getJson(base + path);
    return files[path];
  }

  function hex(s) {
    return Array.from(new TextEncoder().encode(s), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  function shard(key) {
    return file("t/" + hex(key) + ".json");
  }

  function chunk(n) {
    return file("d/" + n + ".json");
  }

  // A list of cards stored as runs [gap, length, ...], as a Set.
  function fromRuns(list) {
    var out = new Set();
    var next = 0;
    for (var i = 0; i < list.length; i += 2) {
      var start = next + list[i];
      for (var d = start; d < start + list[i + 1]; d++) out.add(d);
      next = start + list[i + 1];
    }
    return out;
  }

  // The shard holding term `t`: the longest shard key that starts it.
  function shardOf(t) {
    var chars = Array.from(t);
    for (var len = Math.min(chars.length, 6); len >= 1; len--) {
      var key = chars.slice(0, len).join("");
      if (meta.shardSet.has(key)) return key;
    }
    return null;
  }

  // Shards that may hold terms starting with `w`.
  function shardsFor(w) {
    var out = [];
    meta.shards.forEach(function (k) {
      if (k.startsWith(w) || (w.startsWith(k) && shardOf(w) === k)) out.push(k);
    });
    return out;
  }

  // --- Query ------------------------------------------------------------------
  // Words of at least this many letters also match as prefixes of longer
  // terms (`pen` finds `penetration`); shorter ones would match half the index.
  var MIN_PREFIX = 3;
  // A query reads at most this many words.
  var MAX_QUERY_WORDS = 24;
  var stops = new Set();

  function variantsOf(w) {
    var variants = new Set([w]);
    Object.keys(meta.stemmers).forEach(function (lang) {
      variants.add(stem(w, meta.stemmers[lang]));
    });
    hebrewForms(w, meta.hebrew).forEach(function (f) { variants.add(f); });
    return variants;
  }

  // The words that count (stop words only when there is nothing else), and
  // the compounds of neighbouring words, each with the two words it covers.
  function parseQuery(q) {
    var list = words(q).slice(0, MAX_QUERY_WORDS);
    var content = list.filter(function (w) { return !stops.has(w); });
    var kept = content.length ? content : list;
    var query = kept.map(function (w) {
      return { word: w, variants: variantsOf(w), prefix: length(w) >= MIN_PREFIX, typos: true };
    });
    // A compound covers the query words of its two halves.
    var position = [];
    var k = 0;
    list.forEach(function (w) { position.push(stops.has(w) && content.length ? -1 : k++); });
    var pairs = joins(list, stops).map(function (j) {
      return { word: j.term, variants: variantsOf(j.term), prefix: false, typos: false, covers: [position[j.at], position[j.at + 1]] };
    });
    return { words: query, pairs: pairs };
  }

  // How a state weighs on rank; postings carry it as of the build (0, 1, 2).
  var TRUST = [1, 0.75, 0.5];
  var TRUST_OF = { fresh: 1, expiring: 1, stale: 0.75, unverified: 0.75, archived: 0.5 };
  // A term's score in a card: its rarity (BM25's idf) times the card's
  // weight for it (BM25F, from the build), plus TITLE when the title has it;
  // times PARTIAL for a longer term the word starts, TYPO for a term a few
  // edits away.
  var TITLE = 0.3;
  var PARTIAL = 0.7;
  var TYPO = 0.6;

  // Edits (insert, delete, replace, swap two neighbours) between a and b,
  // or max + 1 once there are more than max.
  function distance(a, b, max) {
    a = Array.from(a);
    b = Array.from(b);
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var rows = [];
    for (var i = 0; i <= a.length; i++) {
      rows.push([i]);
      for (var j = 1; j <= b.length; j++) rows[i].push(i === 0 ? j : 0);
    }
    for (i = 1; i <= a.length; i++) {
      var low = Infinity;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
        rows[i][j] = d;
        if (d < low) low = d;
      }
      if (low > max) return max + 1;
    }
    return rows[a.length][b.length];
  }

  // Edits a word of this length may be away from a term: none below four
  // letters, one up to seven, two from eight.
  function maxEdits(w) {
    var n = length(w);
    return n < 4 ? 0 : n < 8 ? 1 : 2;
  }

  // Shards that may hold a misspelling's term: those of the word's first two
  // letters (a typo there is not recovered), nearest first, at most TYPO_SHARDS.
  var TYPO_SHARDS = 6;
  function typoShards(w) {
    var head = Array.from(w).slice(0, 2).join("");
    var common = function (k) {
      var n = 0;
      while (n < k.length && n < w.length && k[n] === w[n]) n++;
      return n;
    };
    return meta.shards
      .filter(function (k) { return k.startsWith(head) || head.startsWith(k); })
      .sort(function (a, b) { return common(b) - common(a) || (a < b ? -1 : 1); })
      .slice(0, TYPO_SHARDS);
  }

  // Adds a term's postings to `best` (doc -> {score, trust, title}).
  function addTerm(best, postings, factor) {
    var df = postings.length / 2;
    var idf = Math.log(1 + (meta.n - df + 0.5) / (df + 0.5));
    var doc = 0;
    for (var i = 0; i < postings.length; i += 2) {
      doc += postings[i];
      var value = postings[i + 1];
      var trust = value % 4;
      var rest = (value - trust) / 4;
      var title = rest % 2;
      var weight = (rest - title) / 200;
      var s = idf * (weight + (title ? TITLE : 0)) * factor;
      var old = best.get(doc);
      if (!old) best.set(doc, { score: s, trust: TRUST[trust], title: !!title });
      else {
        if (old.score < s) old.score = s;
        old.title = old.title || !!title;
      }
    }
  }

  // For one query word: {best: doc -> {score, trust, title}, fixed: the
  // term a misspelt word was read as, or null}.
  function matchWord(qw) {
    var keys = new Set();
    qw.variants.forEach(function (v) {
      var k = shardOf(v);
      if (k) keys.add(k);
    });
    if (qw.prefix) shardsFor(qw.word).forEach(function (k) { keys.add(k); });
    return Promise.all(Array.from(keys).map(shard)).then(function (shards) {
      var best = new Map();
      var seen = new Set();
      shards.forEach(function (terms) {
        Object.keys(terms).forEach(function (term) {
          if (seen.has(term)) return;
          var exact = qw.variants.has(term);
          var partial = !exact && qw.prefix && term.startsWith(qw.word);
          if (!exact && !partial) return;
          seen.add(term);
          addTerm(best, terms[term], exact ? 1 : PARTIAL);
        });
      });
      var max = maxEdits(qw.word);
      if (seen.size || !qw.typos || !max || HAS_DIGIT.test(qw.word)) return { best: best, fixed: null };
      // Nothing matched: read the word as the nearest terms of its shards.
      return Promise.all(typoShards(qw.word).map(shard)).then(function (near) {
        var found = [];
        var closest = max + 1;
        near.forEach(function (terms) {
          Object.keys(terms).forEach(function (term) {
            var d = Infinity;
            qw.variants.forEach(function (v) { d = Math.min(d, distance(v, term, Math.min(max, closest))); });
            if (d > max || d > closest) return;
            if (d < closest) { closest = d; found = []; }
            found.push([term, terms[term]]);
          });
        });
        found.forEach(function (t) { addTerm(best, t[1], TYPO); });
        // The term most cards have names the correction.
        found.sort(function (a, b) { return b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1); });
        return { best: best, fixed: found.length ? found[0][0] : null };
      });
    });
  }

  // --- States on the reader's day ---------------------------------------------
  var DAY = 86400000;
  var todayOffset = 0;
  var STATES = { f: "fresh", e: "expiring", s: "stale", u: "unverified", a: "archived" };
  var LETTERS = { fresh: "f", expiring: "e", stale: "s", unverified: "u", archived: "a" };
  // The site's words, from vouch.js (which the page loads first).
  var word = window.vouch.word;
  function cards(n) { return word("cards", { n: n }); }

  function stateOn(letter, due, expiring) {
    if (letter === "a" || letter === "u" || due === null) return STATES[letter];
    if (todayOffset > due) return "stale";
    if (todayOffset >= expiring) return "expiring";
    return "fresh";
  }

  // Cards whose state changed between the build and today: doc -> state,
  // from the week files of the days that have passed.
  var changes = null;
  function changed() {
    if (!changes) {
      var last = Math.floor((todayOffset - 1) / meta.week);
      var weeks = todayOffset > 0 ? meta.weeks.filter(function (k) { return k <= last; }) : [];
      changes = Promise.all(weeks.map(function (k) { return file("w/" + k + ".json"); })).then(function (lists) {
        var out = new Map();
        lists.forEach(function (list) {
          var doc = 0;
          for (var i = 0; i < list.length; i += 3) {
            doc += list[i];
            out.set(doc, stateOn("f", list[i + 1], list[i + 2]));
          }
        });
        return out;
      });
    }
    return changes;
  }

  // --- Filters ----------------------------------------------------------------
  var FACETS = { collection: ["c", "collections"], owner: ["o", "owners"], tag: ["t", "tags"], lang: ["l", "langs"] };

  // The cards a filter lets through, as a Set (null: the filter is not set).
  function allowed(name, value, now) {
    if (!value) return Promise.resolve(null);
    if (name === "state") {
      var letter = LETTERS[value];
      var list = meta.states.indexOf(letter) >= 0 ? file("f/s/" + letter + ".json") : Promise.resolve([]);
      return list.then(function (l) {
        var out = new Set();
        fromRuns(l).forEach(function (d) { if (!now.has(d)) out.add(d); });
        now.forEach(function (state, d) { if (state === value) out.add(d); });
        return out;
      });
    }
    var facet = FACETS[name];
    var position = meta[facet[1]].findIndex(function (e) { return (Array.isArray(e) ? e[0] : e) === value; });
    if (position < 0) return Promise.resolve(new Set());
    return file("f/" + facet[0] + "/" + position + ".json").then(fromRuns);
  }

  // A card with every query word in its title ranks this much higher.
  var TITLE_ALL = 1.5;
  // A compound of two query words counts this much of its score.
  var PHRASE = 1;

  function search(q, filters) {
    var query = parseQuery(q);
    var n = query.words.length;
    var names = Object.keys(filters).filter(function (f) { return filters[f]; });
    if (!n && !names.length) return Promise.resolve({ hits: [], all: true, query: query, fixes: [], empty: true });
    return changed().then(function (now) {
      return Promise.all([
        Promise.all(query.words.map(matchWord)),
        Promise.all(query.pairs.map(matchWord)),
        Promise.all(names.map(function (f) { return allowed(f, filters[f], now); }))
      ]).then(function (found) {
        var perWord = found[0];
        var perPair = found[1];
        var sets = found[2];
        var passes = function (doc) {
          return sets.every(function (s) { return s.has(doc); });
        };
        var hits = [];
        if (!n) {
          // Filters without words: every card they let through, in card
          // order, which the build made title order.
          var smallest = sets.reduce(function (a, b) { return a.size <= b.size ? a : b; });
          smallest.forEach(function (doc) { if (passes(doc)) hits.push({ doc: doc, score: 0 }); });
          hits.sort(function (a, b) { return a.doc - b.doc; });
          return { hits: hits, all: true, query: query, fixes: [] };
        }
        var totals = new Map();
        var credit = function (doc, m, covers, factor) {
          var t = totals.get(doc);
          if (!t) { t = { score: 0, covered: new Set(), titled: new Set(), trust: m.trust }; totals.set(doc, t); }
          t.score += m.score * factor;
          covers.forEach(function (i) {
            t.covered.add(i);
            if (m.title) t.titled.add(i);
          });
        };
        perWord.forEach(function (match, i) {
          match.best.forEach(function (m, doc) { credit(doc, m, [i], 1); });
        });
        perPair.forEach(function (match, p) {
          match.best.forEach(function (m, doc) { credit(doc, m, query.pairs[p].covers, PHRASE); });
        });
        var complete = 0;
        totals.forEach(function (t, doc) {
          if (!passes(doc)) return;
          // More of the query's words rank higher, without hiding cards
          // that have only some; a stale card ranks below an equally good
          // fresh one.
          var coverage = t.covered.size / n;
          var trust = now.has(doc) ? TRUST_OF[now.get(doc)] : t.trust;
          var score = t.score * coverage * coverage * (t.titled.size === n ? TITLE_ALL : 1) * trust;
          if (t.covered.size === n) complete++;
          hits.push({ doc: doc, score: score });
        });
        hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
        var fixes = [];
        perWord.forEach(function (match, i) {
          if (match.fixed) fixes.push({ word: query.words[i].word, term: match.fixed });
        });
        return { hits: hits, all: complete > 0 || n === 1, query: query, fixes: fixes };
      });
    });
  }

  // --- Rendering --------------------------------------------------------------

  // What the results mark: the query's words and compounds, a misspelt word
  // with the term it was read as.
  function marked(outcome) {
    var list = outcome.query.words.concat(outcome.query.pairs);
    outcome.fixes.forEach(function (f) {
      list.push({ word: f.term, variants: new Set([f.term]), prefix: false });
    });
    return list;
  }

  function matches(word, query) {
    var w = fold(word);
    var forms = [w].concat(hebrewForms(w, meta.hebrew));
    return query.some(function (qw) {
      if (qw.prefix && w.startsWith(qw.word)) return true;
      return forms.some(function (f) {
        if (qw.variants.has(f)) return true;
        return Object.keys(meta.stemmers).some(function (l) { return qw.variants.has(stem(f, meta.stemmers[l])); });
      });
    });
  }

  // A misspelt word's correction as the results write it (terms are
  // stemmed: `jenkin` shows as "Jenkins"), else as the term.
  function shownAs(term, rows) {
    var probe = [{ word: term, variants: new Set([term]), prefix: false }];
    var found = null;
    for (var i = 0; i < rows.length && !found; i++) {
      eachWord(rows[i][0] + " " + rows[i][3], function (w) {
        if (matches(w, probe)) found = w;
        return found !== null;
      });
    }
    return found || term;
  }

  // Calls `each(word, index)` for each word of `text` until it returns true.
  function eachWord(text, each) {
    var re = /[\p{L}\p{N}\p{M}]+/gu;
    var m;
    while ((m = re.exec(text))) {
      if (each(m[0], m.index)) return;
    }
  }

  // Appends `text` to `el`, marking the words the query matched.
  function highlight(el, text, query) {
    var last = 0;
    eachWord(text, function (w, at) {
      if (!matches(w, query)) return false;
      el.appendChild(document.createTextNode(text.slice(last, at)));
      var mark = document.createElement("mark");
      mark.textContent = w;
      el.appendChild(mark);
      last = at + w.length;
      return false;
    });
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  // The results shown with the passage that matched (the rest show the
  // card's opening lines): each fetches its chunk's passages file, which
  // lists the passages of the chunk's cards in order.
  var PASSAGES = 10;

  function passages(doc) {
    return file("x/" + Math.floor(doc / meta.chunk) + ".json").then(function (rows) {
      return rows[doc % meta.chunk] || [];
    });
  }

  // How many of the query's words and compounds `text` has.
  function wordsIn(text, query) {
    var found = new Set();
    eachWord(text, function (w) {
      for (var i = 0; i < query.length; i++) {
        if (!found.has(i) && matches(w, [query[i]])) found.add(i);
      }
      return false;
    });
    return found.size;
  }

  // The section with the most of the query's words (in its heading or
  // text; the earliest of equals), as [anchor, heading, text], or null when
  // none has any.
  function bestPassage(sections, query) {
    var best = null;
    var most = 0;
    sections.forEach(function (s) {
      var n = wordsIn(s[1] + " " + s[2], query);
      if (n > most) { most = n; best = s; }
    });
    return best;
  }

  function snippet(text, query) {
    var at = -1;
    eachWord(text, function (w, i) {
      if (matches(w, query)) at = i;
      return at >= 0;
    });
    if (at < 0) return text.length > 200 ? text.slice(0, 200) + "…" : text;
    var start = Math.max(0, at - 60);
    return (start > 0 ? "…" : "") + text.slice(start, start + 200) + (start + 200 < text.length ? "…" : "");
  }

  // Lists the first `limit` hits in `list` (title, badge, collection,
  // snippet; the first PASSAGES with the passage that matched) and resolves
  // to the chunk rows shown.
  function render(outcome, list, limit) {
    var hits = outcome.hits.slice(0, limit);
    var needed = Array.from(new Set(hits.map(function (h) { return Math.floor(h.doc / meta.chunk); })));
    var withPassages = hits.slice(0, PASSAGES).map(function (h) { return h.doc; });
    return Promise.all([
      Promise.all(needed.map(chunk)),
      Promise.all(withPassages.map(function (doc) { return passages(doc).catch(function () { return []; }); }))
    ]).then(function (got) {
      var files = got[0];
      var rows = {};
      needed.forEach(function (n, i) { rows[n] = files[i]; });
      var sectionsOf = new Map();
      withPassages.forEach(function (doc, i) { sectionsOf.set(doc, got[1][i]); });
      list.textContent = "";
      var marks = marked(outcome);
      var shown = hits.map(function (h) { return rows[Math.floor(h.doc / meta.chunk)][h.doc % meta.chunk]; });
      hits.forEach(function (h, k) {
        var row = shown[k];
        var state = stateOn(row[4], row[5], row[6]);
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + row[1];
        a.dir = "auto";
        highlight(a, row[0], marks);
        li.appendChild(a);
        li.appendChild(document.createTextNode(" "));
        var badge = document.createElement("span");
        badge.className = "badge badge-" + state;
        badge.textContent = word("state_" + state);
        li.appendChild(badge);
        if (row[2]) {
          var where = document.createElement("span");
          where.className = "meta";
          where.textContent = " " + row[2];
          li.appendChild(where);
        }
        var passage = sectionsOf.has(h.doc) ? bestPassage(sectionsOf.get(h.doc), marks) : null;
        if (passage && passage[0]) {
          // The heading the passage sits under, linked to its anchor.
          var under = document.createElement("a");
          under.className = "snippet-heading";
          under.href = root + row[1] + "#" + encodeURIComponent(passage[0]);
          under.dir = "auto";
          highlight(under, passage[1], marks);
          li.appendChild(under);
        }
        var p = document.createElement("p");
        p.className = "snippet";
        p.dir = "auto";
        highlight(p, snippet(passage ? passage[2] : row[3], marks), marks);
        li.appendChild(p);
        list.appendChild(li);
      });
      return shown;
    });
  }

  // The status line of an outcome of which `limit` hits are shown.
  function statusOf(outcome, q, shown, limit) {
    if (outcome.empty) return word("search_type", { cards: cards(meta.n) });
    if (!outcome.hits.length) return q.trim() ? word("search_none", { q: q.trim() }) : word("search_none_filters");
    if (outcome.fixes.length) {
      return word("search_fixed", {
        fixed: outcome.fixes.map(function (f) { return "“" + shownAs(f.term, shown) + "”"; }).join(", ")
      });
    }
    if (!outcome.all) return word("search_some");
    if (outcome.hits.length > limit) return word("search_found_best", { cards: cards(outcome.hits.length), limit: limit });
    return word("search_found", { cards: cards(outcome.hits.length) });
  }

  // The index's meta file, fetched once: at once on the search page, on
  // first use of the header's box elsewhere.
  var loading = null;
  function loadMeta() {
    if (!loading) {
      loading = getJson(base + "meta.json").then(function (m) {
        meta = m;
        meta.shardSet = new Set(meta.shards);
        stops = stopSet(meta.stop);
        var built = Date.parse(meta.built + "T00:00:00Z");
        var now = Date.parse(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
        todayOffset = Math.round((now - built) / DAY);
      });
    }
    return loading;
  }

  // Links of a result list the arrow keys move between: each result's title.
  function titles(list) {
    return Array.prototype.slice.call(list.querySelectorAll("li > a:first-child"));
  }

  // Up and down between `input` and the links of `list` (and `extra`, the
  // last stop, when given).
  function arrows(input, list, extra) {
    var targets = function () {
      var out = titles(list);
      if (extra && !extra.hidden) out.push(extra);
      return out;
    };
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        var first = targets()[0];
        if (first) { e.preventDefault(); first.focus(); }
      }
    });
    var moves = function (e) {
      var all = targets();
      var i = all.indexOf(document.activeElement);
      if (i < 0) return;
      if (e.key === "ArrowDown" && i + 1 < all.length) { e.preventDefault(); all[i + 1].focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? all[i - 1] : input).focus(); }
    };
    list.addEventListener("keydown", moves);
    if (extra) extra.addEventListener("keydown", moves);
  }

  if (form) searchPage();
  else headerDropdown();

  // --- The search page ----------------------------------------------------------
  function searchPage() {
    var results = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var input = document.getElementById("search-q");
    var more = document.getElementById("search-more");
    // Results shown at first; each fetches its chunk of titles and excerpts.
    var PAGE = 20;
    var limit = PAGE;
    var FILTERS = ["collection", "owner", "tag", "state", "lang"];

    function fill(name, entries) {
      var select = form.elements[name];
      entries.forEach(function (e) {
        var option = document.createElement("option");
        option.value = e[0];
        option.textContent = e[1];
        select.appendChild(option);
      });
    }

    function current() {
      var filters = {};
      FILTERS.forEach(function (f) { filters[f] = form.elements[f].value; });
      return filters;
    }

    var pending = 0;
    function run(updateUrl) {
      var q = input.value;
      var filters = current();
      if (updateUrl) {
        var params = new URLSearchParams();
        if (q) params.set("q", q);
        FILTERS.forEach(function (f) { if (filters[f]) params.set(f, filters[f]); });
        var qs = params.toString();
        history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
      }
      var ticket = ++pending;
      return search(q, filters).then(function (outcome) {
        if (ticket !== pending) return;
        return render(outcome, results, limit).then(function (shown) {
          status.textContent = statusOf(outcome, q, shown, limit);
          more.hidden = outcome.hits.length <= limit;
        });
      }).then(function () {
        if (ticket === pending) document.documentElement.setAttribute("data-search-ready", String(ticket));
      }).catch(function (e) {
        status.textContent = word("search_failed", { error: e.message });
      });
    }

    more.addEventListener("click", function () {
      limit += PAGE;
      run(false);
    });

    var timer = null;
    form.addEventListener("input", function () {
      limit = PAGE;
      clearTimeout(timer);
      timer = setTimeout(function () { run(true); }, 60);
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var first = titles(results)[0];
      if (first) first.click();
    });
    arrows(input, results, null);

    loadMeta().then(function () {
      fill("collection", meta.collections);
      fill("owner", meta.owners);
      fill("tag", meta.tags);
      fill("lang", meta.langs.map(function (l) { return [l, l]; }));
      var params = new URLSearchParams(location.search);
      input.value = params.get("q") || "";
      FILTERS.forEach(function (f) { if (params.get(f)) form.elements[f].value = params.get(f); });
      return run(false);
    }).catch(function (e) {
      status.textContent = word("search_unavailable", { error: e.message });
    });
  }

  // --- The header's box: instant results under it --------------------------------
  // Typing shows the best DROPDOWN results and a link to all of them on the
  // search page; the arrows move through them, Enter opens one (or, in the
  // box, the search page), Escape closes them. Without JavaScript the box
  // is a plain form that opens the search page.
  function headerDropdown() {
    var DROPDOWN = 8;
    var input = header.querySelector("input[name=q]");
    var panel = document.createElement("div");
    panel.className = "search-dropdown";
    panel.id = "site-search-panel";
    panel.hidden = true;
    var status = document.createElement("p");
    status.className = "search-dropdown-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var list = document.createElement("ol");
    list.className = "search-results";
    list.id = "site-search-results";
    var all = document.createElement("a");
    all.className = "search-dropdown-all";
    all.hidden = true;
    panel.appendChild(status);
    panel.appendChild(list);
    panel.appendChild(all);
    header.appendChild(panel);
    // A search box may not say aria-expanded (axe): the status line, read
    // out as results come, says what the panel holds.
    input.setAttribute("aria-controls", panel.id);

    function open(on) {
      panel.hidden = !on;
    }

    var pending = 0;
    function run() {
      var q = input.value;
      var ticket = ++pending;
      if (!q.trim()) {
        open(false);
        return Promise.resolve();
      }
      return loadMeta().then(function () {
        return search(q, {});
      }).then(function (outcome) {
        if (ticket !== pending) return;
        return render(outcome, list, DROPDOWN).then(function (shown) {
          if (ticket !== pending) return;
          status.textContent = statusOf(outcome, q, shown, DROPDOWN);
          all.href = header.getAttribute("action") + "?q=" + encodeURIComponent(q);
          all.textContent = word("search_all", { q: q.trim() });
          all.hidden = !outcome.hits.length;
          open(true);
          document.documentElement.setAttribute("data-search-ready", String(ticket));
        });
      }).catch(function (e) {
        status.textContent = word("search_unavailable", { error: e.message });
        open(true);
      });
    }

    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 60);
    });
    // The index is fetched as soon as the reader comes to the box.
    input.addEventListener("focus", function () {
      loadMeta().catch(function () { /* said when a query runs */ });
    });
    // Closed results come back with a click in the box or the down arrow.
    var reopen = function () {
      if (panel.hidden && input.value.trim() && status.textContent) open(true);
    };
    input.addEventListener("click", reopen);
    input.addEventListener("keydown", function (e) { if (e.key === "ArrowDown") reopen(); });
    arrows(input, list, all);
    header.addEventListener("keydown", function (e) {
      if (e.key !== "Escape" || panel.hidden) return;
      e.preventDefault();
      open(false);
      input.focus();
    });
    // Focus or a click elsewhere closes the results.
    header.addEventListener("focusout", function (e) {
      if (!e.relatedTarget || !header.contains(e.relatedTarget)) open(false);
    });
    document.addEventListener("mousedown", function (e) {
      if (!header.contains(e.target)) open(false);
    });
    if (input.value.trim()) run();
  }
})();
