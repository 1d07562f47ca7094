//! Search in a real headless Chromium against a built fixture site served over
//! loopback under a sub-path (`/help/`, like its `base_url`): queries in
//! Portuguese, Spanish, Hebrew and English, inflected and half-typed words,
//! filters, the `?q=` deep link, keyboard selection, and the agreement of the
//! browser's tokenizer with the build's.

mod common;

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use common::{chromium, element_text, rendered_dom, serve};
use vouch::search::tokenize;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/search/fixture");

struct Site {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    base: String,
    browser: PathBuf,
    profile: PathBuf,
}

fn site() -> Option<Site> {
    let browser = chromium()?;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let output = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .arg("build")
        .arg(FIXTURE)
        .arg("-o")
        .arg(&dir)
        .args(["--today", "2026-11-25", "--quiet"])
        .env(
            "GIT_CEILING_DIRECTORIES",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests"),
        )
        .output()
        .expect("vouch runs");
    assert!(
        output.status.code() == Some(1),
        "the fixture has one stale card: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let base = serve(&dir, "/help/");
    let profile = tmp.path().join("profile");
    Some(Site {
        _tmp: tmp,
        dir,
        base,
        browser,
        profile,
    })
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The result links of a search page, best first, and the status line.
fn results(site: &Site, query: &str) -> (Vec<String>, String, String) {
    read_results(site, &format!("{}_/search/?{query}", site.base))
}

/// The result links (relative to the site), the status line and the whole
/// result list of the search page at `url`, once search has finished.
fn read_results(site: &Site, url: &str) -> (Vec<String>, String, String) {
    let dom = rendered_dom(&site.browser, url, &site.profile);
    assert!(
        dom.contains("data-search-ready"),
        "search did not finish for {url}:\n{dom}"
    );
    let list = element_text(&dom, "ol", "search-results").unwrap_or_default();
    let hrefs = list
        .split("<li><a href=\"")
        .skip(1)
        .map(|s| {
            s.split('"')
                .next()
                .unwrap_or_default()
                .trim_start_matches("../")
                .to_owned()
        })
        .collect();
    let status = element_text(&dom, "p", "search-status").unwrap_or_default();
    (hrefs, status, list)
}

#[test]
fn queries_in_four_languages_find_the_right_cards() {
    let Some(site) = site() else { return };
    let cases: &[(&str, &[&str])] = &[
        // Portuguese: the plural in the card, the singular in the query.
        ("q=engenheiro", &["plantao/engenheiros/"]),
        ("q=verifica%C3%A7%C3%A3o", &["plantao/engenheiros/"]),
        // Spanish.
        ("q=conocimiento", &["soporte/conocimientos/"]),
        ("q=factura", &["soporte/facturas/"]),
        // Hebrew, with and without the definite article's card words.
        (&format!("q={}", encode("החזרים")), &["he/refunds-he/"]),
        (&format!("q={}", encode("החזר")), &["he/refunds-he/"]),
        // English: a stale card ranks below an equally good fresh one.
        ("q=refund", &["support/refunds/", "support/legacy-refunds/"]),
        (
            "q=refunds%20thirty",
            &["support/refunds/", "support/legacy-refunds/"],
        ),
        // Half-typed words match as prefixes.
        ("q=engenhe", &["plantao/engenheiros/"]),
        ("q=conocim", &["soporte/conocimientos/"]),
        ("q=refu", &["support/refunds/", "support/legacy-refunds/"]),
    ];
    for (query, expected) in cases {
        let (hrefs, status, _) = results(&site, query);
        assert_eq!(hrefs, *expected, "{query} ({status})");
    }
}

#[test]
fn filters_narrow_the_results() {
    let Some(site) = site() else { return };
    let cases: &[(&str, &[&str])] = &[
        ("q=cliente", &["plantao/reembolso/", "soporte/facturas/"]),
        ("q=cliente&collection=soporte", &["soporte/facturas/"]),
        ("q=cliente&lang=pt-BR", &["plantao/reembolso/"]),
        ("q=cliente&owner=lucia", &["soporte/facturas/"]),
        ("q=refund&state=stale", &["support/legacy-refunds/"]),
        ("q=refund&state=fresh", &["support/refunds/"]),
        (
            "q=annual&tag=billing",
            &["support/refunds/", "support/legacy-refunds/"],
        ),
    ];
    for (query, expected) in cases {
        let (mut hrefs, status, _) = results(&site, query);
        if query.starts_with("q=cliente&") || *query == "q=cliente" {
            hrefs.sort();
        }
        assert_eq!(hrefs, *expected, "{query} ({status})");
    }
}

#[test]
fn results_show_badges_snippets_and_highlights() {
    let Some(site) = site() else { return };
    let (hrefs, status, list) = results(&site, "q=engenheiro");
    assert_eq!(hrefs.len(), 1);
    assert_eq!(status, "1 card found.");
    assert!(list.contains("<mark>engenheiros</mark>"), "{list}");
    assert!(
        list.contains(r#"<span class="badge badge-fresh">Fresh</span>"#),
        "{list}"
    );
    assert!(
        list.contains("> plantao<"),
        "the collection is shown: {list}"
    );
    let (_, _, stale) = results(&site, "q=refund&state=stale");
    assert!(stale.contains(r#"<span class="badge badge-stale">Stale</span>"#));

    // No card has both words: the best partial matches, with a note.
    let (hrefs, status, _) = results(&site, "q=refund%20engenheiro");
    assert!(status.starts_with("No card has all the words"), "{status}");
    assert!(
        hrefs.contains(&"plantao/engenheiros/".to_owned())
            && hrefs.contains(&"support/refunds/".to_owned())
    );

    let (hrefs, status, _) = results(&site, "q=zzzzzz");
    assert!(hrefs.is_empty());
    assert!(status.starts_with("No card matches"), "{status}");
}

#[test]
fn questions_typos_compounds_and_hebrew_prefixes_find_their_cards() {
    let Some(site) = site() else { return };
    let first = |query: &str| {
        let (hrefs, status, list) = results(&site, query);
        (hrefs.first().cloned().unwrap_or_default(), status, list)
    };
    // A question: `how`, `do`, `I`, `into`, `a` are stop words, `machine`
    // finds `machines`.
    let (top, status, _) = first("q=how%20do%20I%20ssh%20into%20a%20machine");
    assert_eq!(top, "infra/ssh/", "{status}");
    // Only stop words: they are searched rather than ignored.
    let (top, _, _) = first("q=how%20you");
    assert_eq!(top, "infra/ssh/");
    // A misspelt word is read as the nearest term, and the page says so,
    // in the card's own spelling.
    let (top, status, list) = first("q=jenkis");
    assert_eq!(top, "infra/jenkins/");
    assert_eq!(status, "Showing results for “Jenkins”.");
    assert!(list.contains("<mark>Jenkins</mark>"), "{list}");
    // Two letters wrong in a long word, and two swapped.
    assert_eq!(first("q=deploymnet%20pipline").0, "infra/jenkins/");
    // Compounds: the title's "Hosted Zone" is also `hostedzone`; the body's
    // `EntraID` is also `entra` and `id`, and the query's `entra id` also
    // `entraid`.
    assert_eq!(first("q=hostedzone").0, "infra/hosted-zone/");
    assert_eq!(first("q=entra%20id").0, "infra/hosted-zone/");
    assert_eq!(first("q=entraid").0, "infra/hosted-zone/");
    // Every word matches as a prefix, not only the last one.
    assert_eq!(first("q=deleg%20zone").0, "infra/hosted-zone/");
    // Hebrew one-letter prefixes on either side: the query's `ו` + `החזרים`
    // finds the title's `החזרים`, the query's `ל` + `חידוש` the body's
    // `ה` + `חידוש`.
    assert_eq!(
        first(&format!("q={}", encode("והחזרים"))).0,
        "he/refunds-he/"
    );
    assert_eq!(
        first(&format!("q={}", encode("לחידוש"))).0,
        "he/refunds-he/"
    );
    // No near term: still nothing, and no correction claimed.
    let (top, status, _) = first("q=qqqqqqqq");
    assert!(
        top.is_empty() && status.starts_with("No card matches"),
        "{status}"
    );
}

#[test]
fn snippets_show_the_matching_passage_under_its_heading() {
    let Some(site) = site() else { return };
    // The words are in the second section: the snippet is that section's
    // text, under its heading, which links to the heading's anchor.
    let (hrefs, _, list) = results(&site, "q=name%20servers");
    assert_eq!(
        hrefs.first().map(String::as_str),
        Some("infra/hosted-zone/")
    );
    assert!(
        list.contains(r#"<a class="snippet-heading" href="../../infra/hosted-zone/#delegating-the-zone" dir="auto">Delegating the zone</a>"#),
        "{list}"
    );
    assert!(
        list.contains("Add the <mark>name</mark> <mark>servers</mark> to the parent zone."),
        "{list}"
    );
    let page = fs::read_to_string(site.dir.join("infra/hosted-zone/index.html")).unwrap();
    assert!(
        page.contains(r#"id="delegating-the-zone""#),
        "the anchor exists"
    );
    // Words in the opening text: no heading link.
    let (_, _, list) = results(&site, "q=platform%20team%20zone");
    let first = list.split("</li>").next().unwrap_or_default();
    assert!(
        first.contains("hosted-zone") && !first.contains("snippet-heading"),
        "{first}"
    );
    assert!(
        first.contains("<mark>platform</mark> <mark>team</mark>"),
        "{first}"
    );
}

#[test]
fn the_header_box_shows_results_as_you_type_and_the_keys_move_through_them() {
    let Some(site) = site() else { return };
    let card = format!("{}support/refunds/", site.base);
    let panel = "#site-search-panel";
    let visit = |steps: serde_json::Value| serde_json::json!({ "url": card, "width": 1280, "steps": steps, "snapOf": panel });
    let Some(runs) = common::drive(vec![
        visit(serde_json::json!([
            ["snap", "before"],
            ["press", "Control+k"],
            ["snap", "focused"],
            ["type", "jenkis"],
            ["wait", "#site-search-panel:not([hidden]) li"],
            ["snap", "typed"],
            ["press", "ArrowDown"],
            ["snap", "down"],
            ["press", "ArrowDown"],
            ["snap", "down2"],
            ["press", "ArrowUp"],
            ["press", "ArrowUp"],
            ["snap", "up"],
            ["press", "ArrowDown"],
            ["press", "Escape"],
            ["snap", "escaped"],
            ["press", "ArrowDown"],
            ["snap", "reopened"],
            ["press", "Enter"],
            ["wait", "main h1"],
            ["snap", "opened"],
        ])),
        // On a phone the results fit the screen.
        serde_json::json!({ "url": card, "width": 390, "snapOf": panel,
            "boxes": { "panel": panel },
            "steps": [["press", "/"], ["type", "refund"], ["wait", "#site-search-panel:not([hidden]) li"]] }),
        // `/` focuses too; Enter in the box opens the search page with the query.
        visit(serde_json::json!([
            ["press", "/"],
            ["type", "refund"],
            ["wait", "#site-search-panel:not([hidden]) li"],
            ["snap", "typed"],
            ["press", "Enter"],
            ["wait", "html[data-search-ready]"],
            ["snap", "page"],
        ])),
    ]) else {
        return;
    };
    let snap = |run: usize, name: &str| runs[run]["snaps"][name].clone();
    let text = |run: usize, name: &str, key: &str| {
        snap(run, name)[key].as_str().unwrap_or_default().to_owned()
    };
    // Nothing is fetched or shown before the reader comes to the box.
    assert_eq!(snap(0, "before")["hidden"], true, "{runs:?}");
    assert_eq!(text(0, "before", "shown"), "");
    assert_eq!(text(0, "focused", "focus"), "#site-search-q");
    // A misspelt word: the corrected results drop down, with the link to all.
    let typed = text(0, "typed", "shown");
    assert!(typed.contains("Showing results for “Jenkins”."), "{typed}");
    assert!(typed.contains("Get access to Jenkins"), "{typed}");
    assert!(typed.contains("All results for “jenkis”"), "{typed}");
    // Down to the first result, down to "all results", up twice to the box.
    assert!(
        text(0, "down", "focus").contains("infra/jenkins/"),
        "{:?}",
        snap(0, "down")
    );
    assert!(
        text(0, "down2", "focus").contains("_/search/?q=jenkis"),
        "{:?}",
        snap(0, "down2")
    );
    assert_eq!(text(0, "up", "focus"), "#site-search-q");
    // Escape closes the results and returns to the box; the down arrow
    // brings them back; Enter on a result opens its card.
    assert_eq!(text(0, "escaped", "focus"), "#site-search-q");
    assert_eq!(snap(0, "escaped")["hidden"], true);
    assert_eq!(snap(0, "reopened")["hidden"], false);
    assert!(text(0, "reopened", "shown").contains("Get access to Jenkins"));
    assert!(
        text(0, "opened", "url").ends_with("/help/infra/jenkins/"),
        "{:?}",
        snap(0, "opened")
    );
    // Enter in the box: the full search page, with the query.
    let b = &runs[1]["boxes"]["panel"];
    let f = |i: usize| b[i].as_f64().unwrap();
    assert!(f(0) >= 0.0 && f(1) <= 390.0 && f(3) > f(2), "{}", runs[1]);
    assert_eq!(runs[1]["docWidth"], runs[1]["viewWidth"]);
    assert!(text(2, "typed", "shown").contains("Refunding an annual plan"));
    assert!(
        text(2, "page", "url").ends_with("/help/_/search/?q=refund"),
        "{:?}",
        snap(1, "page")
    );
    for run in &runs {
        assert_eq!(run["console"], serde_json::json!([]), "{run:?}");
    }
}

/// Writes a copy of the search page with a test script appended.
fn scripted_page(site: &Site, name: &str, script: &str) -> String {
    let page = fs::read_to_string(site.dir.join("_/search/index.html")).unwrap();
    let page = page.replace("</body>", &format!("<script>{script}</script>\n</body>"));
    fs::write(site.dir.join(format!("_/search/{name}")), page).unwrap();
    format!("{}_/search/{name}", site.base)
}

const WHEN_READY: &str = "function whenReady(f) { var t = setInterval(function () { if (document.documentElement.getAttribute('data-search-ready')) { clearInterval(t); f(); } }, 20); }
function key(k) { document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true })); }
function out(v) { var p = document.createElement('pre'); p.id = 'out'; p.textContent = JSON.stringify(v); document.body.appendChild(p); }";

#[test]
fn arrow_keys_and_enter_choose_a_result() {
    let Some(site) = site() else { return };
    let url = scripted_page(
        &site,
        "keys.html",
        &format!(
            "{WHEN_READY}
whenReady(function () {{
  var input = document.getElementById('search-q');
  var log = [];
  input.focus();
  key('ArrowDown'); log.push(document.activeElement.getAttribute('href'));
  key('ArrowDown'); log.push(document.activeElement.getAttribute('href'));
  key('ArrowDown'); log.push(document.activeElement.getAttribute('href'));
  key('ArrowUp'); log.push(document.activeElement.getAttribute('href'));
  key('ArrowUp'); log.push(document.activeElement.id);
  input.blur();
  document.body.dispatchEvent(new KeyboardEvent('keydown', {{ key: '/', bubbles: true, cancelable: true }}));
  log.push(document.activeElement.id);
  out(log);
}});"
        ),
    );
    let dom = rendered_dom(&site.browser, &format!("{url}?q=refund"), &site.profile);
    let log = element_text(&dom, "pre", "out").expect("the script ran");
    assert_eq!(
        log,
        r#"["../../support/refunds/","../../support/legacy-refunds/","../../support/legacy-refunds/","../../support/refunds/","search-q","search-q"]"#
    );

    // Enter in the search box (the form's submission) follows the best result.
    // The click is caught before it navigates: headless Chromium's DOM dump
    // does not survive a navigation.
    let url = scripted_page(
        &site,
        "enter.html",
        &format!(
            "{WHEN_READY}
document.addEventListener('click', function (e) {{ e.preventDefault(); out(e.target.closest('a').getAttribute('href')); }}, true);
whenReady(function () {{ document.getElementById('search-q').focus(); document.getElementById('search-form').requestSubmit(); }});"
        ),
    );
    let dom = rendered_dom(&site.browser, &format!("{url}?q=conocim"), &site.profile);
    assert_eq!(
        element_text(&dom, "pre", "out").as_deref(),
        Some(r#""../../soporte/conocimientos/""#)
    );
}

#[test]
fn every_page_has_a_search_box_that_leads_to_the_search_page() {
    let Some(site) = site() else { return };
    let card = fs::read_to_string(site.dir.join("support/refunds/index.html")).unwrap();
    assert!(card.contains(
        r#"<form class="site-search" role="search" aria-label="Search the site" action="../../_/search/" method="get" data-root="../../" data-index="../../_/search/">"#
    ));
    assert!(card.contains(r#"<input id="site-search-q" name="q" type="search""#));
}

/// Strings that trip tokenizers: accents, Hebrew points, digits, hyphens,
/// emoji, CJK, and the letters whose case mappings are special.
const TRICKY: &[&str] = &[
    "Ação Rápida ÀÉÎÕÜ ñandú",
    "שָׁלוֹם עוֹלָם והחזרים",
    "2FA 10.000 v1.2.3 ¹²³ ٣٤٥ 3rd",
    "e-mail end‑to‑end co–op self_service",
    "👍🏽 ok 🚀launch ❤️love",
    "返金ポリシー 中文搜索 한국어 검색",
    "Straße İstanbul ıi ΣΟΦΟΣ σοφός",
    "cafe\u{301} ﬁle ＡＢＣ１２３",
    "don't l'été «aspas» “quotes”",
    "हिन्दी القراءة Ελληνικά",
    "verificações engenheiros engenheira conocimientos ciudades notificaciones",
    "policies verified classes status running refunds",
    // Stop words in three languages, compounds, Hebrew prefixes.
    "How do I rotate the keys? Como faço para redefinir a senha? Cómo restablezco mi contraseña",
    "hosted zone Route 53 no sql database AzureAD StatefulSets creating created creation",
    "בתורנות והסיסמה לאיפוס כשיש בית ה ול ובהלמשכ",
    // Longer than MAX_WORD, in one and in several code units per character.
    "supercalifragilisticexpialidocious-supercalifragilisticexpialidocious-x aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé 𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜",
];

#[test]
fn the_browser_tokenizer_agrees_with_the_build() {
    let Some(site) = site() else { return };
    let cases = serde_json::to_string(TRICKY).unwrap();
    let url = scripted_page(
        &site,
        "tokens.html",
        &format!(
            "{WHEN_READY}
whenReady(function () {{ fetch('meta.json').then(function (r) {{ return r.json(); }}).then(function (meta) {{
  var langs = ['en', 'es', 'pt'];
  var stops = vouchSearch.stopSet(meta.stop);
  out({cases}.map(function (s) {{
    var words = vouchSearch.words(s);
    var row = {{ words: words }};
    langs.forEach(function (l) {{ row[l] = words.map(function (w) {{ return vouchSearch.stem(w, meta.stemmers[l] || []); }}); }});
    row.stop = words.filter(function (w) {{ return stops.has(w); }});
    row.hebrew = words.map(function (w) {{ return vouchSearch.hebrewForms(w, meta.hebrew); }});
    row.joins = vouchSearch.joins(words, stops).map(function (j) {{ return j.term; }});
    return row;
  }}));
}}); }});"
        ),
    );
    let dom = rendered_dom(&site.browser, &url, &site.profile);
    let browser: serde_json::Value =
        serde_json::from_str(&element_text(&dom, "pre", "out").expect("the script ran")).unwrap();
    let build: Vec<serde_json::Value> = TRICKY
        .iter()
        .map(|s| {
            let words = tokenize::words(s);
            serde_json::json!({
                "words": words,
                "en": tokenize::terms(s, "en"),
                "es": tokenize::terms(s, "es"),
                "pt": tokenize::terms(s, "pt"),
                "stop": words.iter().filter(|w| tokenize::is_stop(w)).collect::<Vec<_>>(),
                "hebrew": words.iter().map(|w| tokenize::hebrew_forms(w)).collect::<Vec<_>>(),
                "joins": tokenize::joins(&words),
            })
        })
        .collect();
    assert_eq!(browser, serde_json::Value::Array(build));
}

/// The result links and status of a search on a copy of the search page
/// whose clock reads `day` (the reader opens the site long after its build).
fn results_on(site: &Site, day: &str, query: &str) -> (Vec<String>, String, String) {
    let name = format!("clock-{day}.html");
    scripted_page(site, &name, &clock(day));
    read_results(site, &format!("{}_/search/{name}?{query}", site.base))
}

/// A script that makes the page's clock read `day`.
fn clock(day: &str) -> String {
    format!(
        "(function () {{ var Real = Date; var fixed = Real.parse('{day}T12:00:00Z');
  function Clock() {{ return arguments.length ? new (Function.prototype.bind.apply(Real, [null].concat(Array.prototype.slice.call(arguments))))() : new Real(fixed); }}
  Clock.now = function () {{ return fixed; }}; Clock.parse = Real.parse; Clock.UTC = Real.UTC; Clock.prototype = Real.prototype;
  window.Date = Clock; }})();"
    )
}

/// The index files (paths under `_/search/`) a search fetched, sorted, on a
/// page whose clock reads `day`.
fn fetched_on(site: &Site, day: &str, query: &str) -> Vec<String> {
    let name = format!("fetched-{day}.html");
    let list = "whenReady(function () { out(performance.getEntriesByType('resource').map(function (e) { return e.name; }).filter(function (n) { return /[/]_[/]search[/].*[.]json$/.test(n); }).map(function (n) { return n.split('/_/search/')[1]; }).sort()); });";
    scripted_page(
        site,
        &name,
        &format!("{}\n{WHEN_READY}\n{list}", clock(day)),
    );
    let url = format!("{}_/search/{name}?{query}", site.base);
    let dom = rendered_dom(&site.browser, &url, &site.profile);
    let text = element_text(&dom, "pre", "out").expect("the script ran");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_query_fetches_only_what_it_needs() {
    let Some(site) = site() else { return };
    let shard = |key: &str| format!("t/{}.json", vouch::search::index::hex(key));
    // On the day of the build: the meta file, the word's shard, one chunk
    // of results and that chunk's passages (of both results, in one file);
    // no filter list, no state changes.
    let files = fetched_on(&site, "2026-11-25", "q=refund");
    assert!(files.contains(&"meta.json".to_owned()), "{files:?}");
    assert!(files.contains(&shard("re")), "{files:?}");
    assert!(files.contains(&"d/0.json".to_owned()), "{files:?}");
    assert_eq!(
        files
            .iter()
            .filter(|f| f.starts_with("x/"))
            .collect::<Vec<_>>(),
        ["x/0.json"],
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .all(|f| f == "meta.json" || ["t/", "d/", "x/"].iter().any(|p| f.starts_with(p))),
        "{files:?}"
    );
    // A filter fetches its own list; words are not needed for it.
    let files = fetched_on(&site, "2026-11-25", "state=stale");
    assert!(files.contains(&"f/s/s.json".to_owned()), "{files:?}");
    assert!(!files.iter().any(|f| f.starts_with("t/")), "{files:?}");
    // Read months later, the weeks that have passed are fetched too.
    let files = fetched_on(&site, "2027-06-01", "q=refund");
    assert!(files.iter().any(|f| f.starts_with("w/")), "{files:?}");
}

#[test]
fn filters_without_words_list_the_matching_cards() {
    let Some(site) = site() else { return };
    let (hrefs, status, list) = results(&site, "state=stale");
    assert_eq!(hrefs, ["support/legacy-refunds/"], "{status}");
    assert!(list.contains("badge-stale"), "{list}");
    let (hrefs, _, _) = results(&site, "owner=lucia");
    assert_eq!(hrefs, ["soporte/conocimientos/", "soporte/facturas/"]);
    let (mut hrefs, _, _) = results(&site, "collection=support&state=fresh");
    hrefs.sort();
    assert_eq!(hrefs, ["support/exports/", "support/refunds/"]);
    // In title order, not by path: `a-zebra` is first by path.
    let (hrefs, _, _) = results(&site, "collection=infra");
    assert_eq!(
        hrefs,
        [
            "infra/hosted-zone/",
            "infra/jenkins/",
            "infra/ssh/",
            "infra/a-zebra/"
        ]
    );
    let (hrefs, status, _) = results(&site, "collection=he&state=stale");
    assert!(hrefs.is_empty());
    assert_eq!(status, "No card matches these filters.");
}

#[test]
fn states_follow_the_readers_clock() {
    let Some(site) = site() else { return };
    // On the day of the build only the legacy card is stale.
    let (hrefs, _, _) = results_on(&site, "2026-11-25", "state=stale");
    assert_eq!(hrefs, ["support/legacy-refunds/"]);
    // Months later every card verified on 2026-11-20 (every 90 days) is
    // past due: the filter, the ranking and the badges all say so.
    let (hrefs, status, list) = results_on(&site, "2027-06-01", "state=stale");
    assert_eq!(hrefs.len(), 12, "{status}: {hrefs:?}");
    assert!(!list.contains("badge-fresh"), "{list}");
    let (hrefs, _, _) = results_on(&site, "2027-06-01", "state=fresh");
    assert!(hrefs.is_empty(), "{hrefs:?}");
    let (_, _, list) = results_on(&site, "2027-06-01", "q=engenheiro");
    assert!(
        list.contains(r#"<span class="badge badge-stale">Stale</span>"#),
        "{list}"
    );
    // Between the two, cards are expiring before they go stale.
    let (hrefs, _, _) = results_on(&site, "2027-02-10", "state=expiring");
    assert_eq!(hrefs.len(), 11, "{hrefs:?}");
}
