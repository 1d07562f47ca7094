//! The reader's site in real Chromium, driven through the DevTools protocol
//! (`tests/browser/drive.cjs`, puppeteer-core): layout in both directions at
//! phone and desktop widths, the site's words in the site's language, the
//! trust panel's colours, totals after the page's clock moves, the owners'
//! to-do order, and axe-core on every page kind in both themes.
//!
//! `.ci/run` installs puppeteer-core and axe-core into `target/npm`; without
//! them (or Chromium) the tests are skipped locally and fail under CI.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use common::drive;

fn card(title: &str, owners: &str, verified: &str, extra: &str, body: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\nowners: [{owners}]\nverified: {verified}\n{extra}---\n{body}\n"
    )
}

/// A Portuguese root with Spanish and Hebrew cards, a team reachable only
/// on Slack, a person who left, and cards in every state on 2026-11-25.
fn multilingual(dir: &Path, vouch_yaml: &str) -> PathBuf {
    let kb = dir.join("kb");
    for folder in ["suporte", "soporte", "tmikha", "cs"] {
        fs::create_dir_all(kb.join(folder)).unwrap();
    }
    fs::write(kb.join("vouch.yaml"), vouch_yaml).unwrap();
    fs::write(
        kb.join("owners.yaml"),
        "people:\n  zoe:\n    name: Zoe Nova\n  ana:\n    name: Ana Costa\n    email: ana@acme.example\n  rui:\n    name: Rui Lopes\n    active: false\n  dana:\n    name: דנה לוי\n    email: dana@acme.example\nteams:\n  suporte:\n    name: Suporte\n    members: [ana]\n    slack: \"#suporte\"\n",
    )
    .unwrap();
    fs::write(kb.join("suporte/_collection.yaml"), "title: Suporte\n").unwrap();
    let cards = [
        (
            "suporte/reembolso.md",
            card(
                "Como reembolsar um plano anual?",
                "suporte",
                "2026-07-01",
                "verified_by: ana\ntags: [reembolso]\n",
                "## Política\n\nReembolso em 30 dias.\n\n## Passos\n\nConfirme o plano.",
            ),
        ),
        (
            "suporte/exportar.md",
            card(
                "Exportar dados",
                "ana",
                "2026-11-20",
                "verified_by: ana\n",
                "Use Configurações.",
            ),
        ),
        (
            "suporte/antigo.md",
            card(
                "Procedimento antigo",
                "rui",
                "2026-11-01",
                "",
                "Escrito antes de sair.",
            ),
        ),
        (
            "suporte/vence.md",
            card(
                "Limites do plano",
                "suporte",
                "2026-09-01",
                "verified_by: ana\n",
                "100 000 pedidos.",
            ),
        ),
        (
            "soporte/reembolsos.md",
            card(
                "¿Cómo se reembolsa?",
                "ana",
                "2026-10-15",
                "lang: es\nverified_by: ana\n",
                "En 30 días.",
            ),
        ),
        (
            "tmikha/index.md",
            card(
                "מדיניות החזרים?",
                "dana",
                "2026-11-10",
                "lang: he\nverified_by: dana\n",
                "## מדיניות\n\nהחזר מלא תוך 30 יום.",
            ),
        ),
        (
            "tmikha/yetsu.md",
            card(
                "איך מייצאים נתונים?",
                "dana",
                "2026-06-01",
                "lang: he\nverified_by: dana\n",
                "דרך ההגדרות.",
            ),
        ),
        (
            "cs/triage.md",
            card(
                "Triage de chamados",
                "suporte",
                "2026-11-24",
                "verified_by: ana\n",
                "Prioridade por impacto.",
            ),
        ),
    ];
    for (path, text) in cards {
        fs::write(kb.join(path), text).unwrap();
    }
    kb
}

fn build(kb: &Path, site: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .arg("build")
        .arg(kb)
        .arg("-o")
        .arg(site)
        .args(["--today", "2026-11-25"])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)) && site.join("index.html").is_file(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The multilingual root as a Portuguese site (more of `vouch.yaml` in
/// `extra`), built on 2026-11-25 into `dir/site`.
fn portuguese_site(dir: &Path, extra: &str) -> PathBuf {
    let kb = multilingual(dir, &format!("title: Central de ajuda\nlang: pt\n{extra}"));
    let site = dir.join("site");
    build(&kb, &site);
    site
}

fn url(site: &Path, page: &str) -> String {
    format!("file://{}", site.join(page).display())
}

/// Every page kind of the fixture site.
const PAGES: &[&str] = &[
    "index.html",
    "suporte/reembolso/index.html",
    "suporte/antigo/index.html",
    "tmikha/index.html",
    "tmikha/yetsu/index.html",
    "suporte/index.html",
    "_/owners/index.html",
    "_/owners/suporte/index.html",
    "_/owners/ana/index.html",
    "_/tags/index.html",
    "_/tags/reembolso/index.html",
    "_/freshness/index.html",
    "_/search/index.html",
    "404.html",
];

#[test]
fn every_page_kind_fits_both_directions_and_passes_axe_in_both_themes() {
    let tmp = tempfile::tempdir().unwrap();
    let pt = tmp.path().join("pt");
    let he = tmp.path().join("he");
    fs::create_dir_all(&pt).unwrap();
    fs::create_dir_all(&he).unwrap();
    let kb = multilingual(
        &pt,
        "title: Central de ajuda\nlang: pt\nslack_workspace: acme\n",
    );
    build(&kb, &pt.join("site"));
    // The same cards with the site's own words in Hebrew, right to left.
    let kb = multilingual(&he, "title: מרכז עזרה\nlang: pt\nui_lang: he\n");
    build(&kb, &he.join("site"));

    let mut visits = Vec::new();
    let mut labels = Vec::new();
    for site in [pt.join("site"), he.join("site")] {
        for page in PAGES {
            for (width, scheme) in [
                (390, "light"),
                (1280, "dark"),
                (390, "dark"),
                (1280, "light"),
            ] {
                labels.push(format!("{} {page} {width} {scheme}", site.display()));
                visits.push(json!({
                    "url": url(&site, page), "width": width, "scheme": scheme,
                    "axe": width == 1280 || scheme == "dark",
                    "boxes": { "h1": "h1", "main": "main" },
                }));
            }
        }
    }
    let Some(results) = drive(visits) else { return };
    let mut problems = Vec::new();
    for (label, r) in labels.iter().zip(&results) {
        let (doc, view) = (
            r["docWidth"].as_f64().unwrap(),
            r["viewWidth"].as_f64().unwrap(),
        );
        if doc > view {
            problems.push(format!("{label}: {doc}px wide in a {view}px window"));
        }
        for what in ["h1", "main"] {
            if let Some(b) = r["boxes"][what].as_array() {
                let (left, right) = (b[0].as_f64().unwrap(), b[1].as_f64().unwrap());
                if left < 0.0 || right > view + 0.5 {
                    problems.push(format!("{label}: {what} spans {left}..{right}"));
                }
            }
        }
        if let Some(v) = r["axe"].as_array()
            && !v.is_empty()
        {
            problems.push(format!("{label}: axe: {v:?}"));
        }
        if let Some(c) = r["console"].as_array()
            && !c.is_empty()
        {
            problems.push(format!("{label}: console: {c:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_sites_words_follow_its_language_and_cards_keep_their_own() {
    let tmp = tempfile::tempdir().unwrap();
    let site = portuguese_site(tmp.path(), "slack_workspace: acme\n");
    let Some(r) = drive(vec![
        json!({ "url": url(&site, "tmikha/yetsu/index.html"), "width": 1280, "today": "2026-11-25",
            "attrs": { "lang": ["html", "lang"], "dir": ["html", "dir"], "article_dir": ["article", "dir"],
                       "article_lang": ["article", "lang"], "panel_dir": [".trust", "dir"] },
            "texts": { "skip": ".skip-link", "badge": ".trust .badge", "advice": "[data-vouch-advice]",
                       "due": "[data-vouch-due]", "footer": ".site-footer" },
            "boxes": { "main": "main" }, "textBoxes": { "h1": "h1" } }),
        json!({ "url": url(&site, "index.html"), "width": 390, "today": "2026-11-25",
            "all": { "titles": [".card-list a span[dir=auto]", null] } }),
        json!({ "url": url(&site, "suporte/reembolso/index.html"), "width": 1280, "media": "print",
            "boxes": { "search": ".site-search", "nav": ".site-header nav", "ask": ".ask" } }),
        json!({ "url": url(&site, "suporte/reembolso/index.html"), "width": 1280,
            "boxes": { "search": ".site-search", "nav": ".site-header nav", "ask": ".ask" } }),
    ]) else {
        return;
    };
    let card = &r[0];
    assert_eq!(card["attrs"]["lang"], "pt");
    assert_eq!(
        card["attrs"]["dir"], "ltr",
        "the chrome is Portuguese, left to right"
    );
    assert_eq!(card["attrs"]["article_lang"], "he");
    assert_eq!(
        card["attrs"]["article_dir"], "rtl",
        "the card is Hebrew, right to left"
    );
    assert_eq!(card["attrs"]["panel_dir"], "ltr");
    assert_eq!(card["texts"]["skip"], "Pular para o conteúdo");
    assert_eq!(card["texts"]["badge"], "Vencido");
    assert_eq!(
        card["texts"]["advice"],
        "Confirme com דנה לוי antes de confiar nele."
    );
    assert_eq!(card["texts"]["due"], "venceu há 87 dias");
    assert!(
        card["texts"]["footer"]
            .as_str()
            .unwrap()
            .contains("25 de novembro de 2026"),
        "{}",
        card["texts"]["footer"]
    );
    // The Hebrew heading's text starts at the right edge of its column and
    // stops well short of the left one (its block spans the column either way).
    let (h1, main) = (&card["textBoxes"]["h1"], &card["boxes"]["main"]);
    let (h1_left, h1_right) = (h1[0].as_f64().unwrap(), h1[1].as_f64().unwrap());
    let (main_left, main_right) = (main[0].as_f64().unwrap(), main[1].as_f64().unwrap());
    assert!(main_right - h1_right < 40.0, "h1 text {h1} in main {main}");
    assert!(h1_left - main_left > 200.0, "h1 text {h1} in main {main}");
    // Printed, the page drops search, navigation and the ask button.
    let printed = &r[2];
    for what in ["search", "nav", "ask"] {
        let b = printed["boxes"][what].as_array().unwrap();
        assert_eq!(
            b[1].as_f64().unwrap() - b[0].as_f64().unwrap(),
            0.0,
            "{what} is printed: {b:?}"
        );
    }
    let screen = &r[3];
    assert!(
        screen["boxes"]["search"][1].as_f64().unwrap() > 0.0,
        "the same check on screen sees it"
    );
    // Every page names itself and has an icon; an owner with no cards says
    // so rather than claiming a trust score.
    let home = fs::read_to_string(site.join("index.html")).unwrap();
    assert!(
        home.contains(
            r#"<meta name="description" content="Central de ajuda: conhecimento interno"#
        )
    );
    assert!(home.contains(r#"<link rel="icon" href="data:image/svg+xml,"#));
    let owners = fs::read_to_string(site.join("_/owners/index.html")).unwrap();
    let zoe = owners.lines().find(|l| l.contains("Zoe Nova")).unwrap();
    assert!(
        zoe.contains("nenhum cartão") && !zoe.contains("100%"),
        "{zoe}"
    );
    // Titles in another language than the page's carry theirs.
    let titles = r[1]["all"]["titles"].as_array().unwrap();
    assert!(titles.iter().any(|t| t == "מדיניות החזרים?"), "{titles:?}");
}

#[test]
fn the_trust_panel_says_what_to_do_and_reads_in_both_themes() {
    let tmp = tempfile::tempdir().unwrap();
    let site = portuguese_site(tmp.path(), "slack_workspace: acme\n");
    let pages = [
        ("suporte/exportar/index.html", "fresh"),
        ("suporte/vence/index.html", "expiring"),
        ("suporte/reembolso/index.html", "stale"),
        ("suporte/antigo/index.html", "fresh"),
    ];
    let mut visits = Vec::new();
    for (page, _) in pages {
        for scheme in ["light", "dark"] {
            visits.push(json!({ "url": url(&site, page), "width": 1280, "scheme": scheme, "today": "2026-11-25",
                "texts": { "advice": ".trust-state strong", "left": ".owner-left", "badge": ".trust .badge" },
                "attrs": { "state": [".trust", "data-state"], "ask": [".ask a", "href"] },
                "all": { "contacts": [".trust .contact a", "href"] },
                "contrast": { "advice": ".trust-state strong", "badge": ".trust .badge", "dates": ".trust-dates",
                              "owner": ".trust .owners a", "ask": ".ask a" },
                "against": { "badge": [".trust .badge", ".trust"], "panel": [".trust", "main"] } }));
        }
    }
    let Some(results) = drive(visits) else { return };
    for (i, r) in results.iter().enumerate() {
        let (page, state) = pages[i / 2];
        assert_eq!(r["attrs"]["state"], state, "{page}");
        for (what, ratio) in r["contrast"].as_object().unwrap() {
            let Some(ratio) = ratio.as_f64() else {
                continue; // not on this page (a card nobody can be asked about)
            };
            assert!(ratio >= 4.5, "{page} #{i}: {what} contrast {ratio:.2}");
        }
        let badge = r["against"]["badge"].as_f64().unwrap();
        assert!(
            badge >= 3.0,
            "{page} #{i}: the badge stands {badge:.2}:1 from its panel"
        );
    }
    // A stale panel is tinted: it differs from the page; a fresh one too.
    assert!(results[4]["against"]["panel"].as_f64().unwrap() > 1.05);
    // Stale: the advice names the team, the ask goes to its Slack channel.
    let stale = &results[4];
    assert_eq!(
        stale["texts"]["advice"],
        "Confirme com Suporte antes de confiar nele."
    );
    assert_eq!(
        stale["attrs"]["ask"],
        "https://acme.slack.com/app_redirect?channel=suporte"
    );
    // Fresh, reachable by email: a prefilled message.
    let ask = results[0]["attrs"]["ask"].as_str().unwrap();
    assert!(
        ask.starts_with("mailto:ana@acme.example?subject=Pergunta%20sobre%20")
            && ask.contains("&body=Sobre%20suporte%2Fexportar%2F"),
        "{ask}"
    );
    // The only owner left: said in words, whatever the badge.
    let orphan = &results[6];
    assert_eq!(
        orphan["texts"]["advice"],
        "Ninguém mais responde por este cartão: confira antes de confiar nele.",
        "a fresh badge does not make an orphan trustworthy"
    );
    assert_eq!(
        orphan["texts"]["left"],
        "Os responsáveis saíram: o cartão precisa de um novo responsável."
    );
    assert!(orphan["attrs"]["ask"].is_null(), "nobody to ask");
    let cards = fs::read_to_string(site.join("cards.json")).unwrap();
    let line = cards
        .lines()
        .find(|l| l.contains("suporte/antigo"))
        .unwrap();
    assert!(line.contains("\"needs_owner\":true"), "{line}");
    let llms = fs::read_to_string(site.join("llms.txt")).unwrap();
    assert!(llms.contains("as of 2026-11-25"));
    assert!(
        llms.lines().any(|l| l.contains("suporte/antigo.md")
            && l.contains("due 2027-01-30")
            && l.contains("needs a new owner")),
        "{llms}"
    );
}

#[test]
fn totals_follow_the_readers_clock_and_the_dashboard_lists_the_most_overdue_first() {
    let tmp = tempfile::tempdir().unwrap();
    let site = portuguese_site(tmp.path(), "");
    let totals = json!({
        "score": "[data-vouch-score=s]",
        "stale": "[data-vouch-count=s][data-count-state=stale]",
        "expiring": "[data-vouch-count=s][data-count-state=expiring]",
        "as_of": "[data-vouch-as-of]",
        "suporte_stale": "[data-vouch-count='c:suporte'][data-count-state=stale]",
        "overdue_bar": "[data-bucket-count='0']",
    });
    let visit = |page: &str, today: &str| {
        json!({ "url": url(&site, page), "width": 1280, "today": today, "texts": totals,
                "wait": "body", "settle": 400,
                "all": { "owners": ["table.todo tbody tr", "data-owner"] } })
    };
    let Some(r) = drive(vec![
        visit("index.html", "2026-11-25"),
        visit("index.html", "2027-01-20"),
        visit("_/freshness/index.html", "2027-01-20"),
        visit("suporte/index.html", "2027-01-20"),
    ]) else {
        return;
    };
    // On the build day: the build's totals, dated.
    assert_eq!(r[0]["texts"]["score"], "75%");
    assert_eq!(r[0]["texts"]["stale"], "2 vencidos");
    assert_eq!(r[0]["texts"]["expiring"], "1 a vencer");
    assert_eq!(r[0]["texts"]["as_of"], "(em 25 de novembro de 2026)");
    // Two months later: re-counted from the due dates, dated that day.
    for page in [&r[1], &r[2]] {
        assert_eq!(page["texts"]["score"], "50%", "{page}");
        assert_eq!(page["texts"]["stale"], "4 vencidos");
        assert_eq!(page["texts"]["expiring"], "1 a vencer");
        assert_eq!(page["texts"]["as_of"], "(em 20 de janeiro de 2027)");
    }
    assert_eq!(r[1]["texts"]["suporte_stale"], "2");
    // The dashboard's chart is redrawn for that day: four cards overdue.
    assert_eq!(r[2]["texts"]["overdue_bar"], "4");
    assert_eq!(r[3]["texts"]["suporte_stale"], "2 vencidos");
    // The owners' to-do list, by each owner's earliest due day (a person
    // answers for their teams' cards too; ties: more stale, then name).
    let owners: Vec<&str> = r[2]["all"]["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    assert_eq!(
        owners,
        ["dana", "ana", "suporte", "rui"],
        "most overdue first"
    );
}

#[test]
fn a_tech_docs_page_reads_as_the_gem_meant_it_in_both_themes() {
    // The gem's warning callout, one H1 and a nested table of contents.
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("manual");
    fs::create_dir_all(repo.join("config")).unwrap();
    fs::create_dir_all(repo.join("source")).unwrap();
    fs::write(
        repo.join("config/tech-docs.yml"),
        "service_name: Team Manual\n",
    )
    .unwrap();
    fs::write(
        repo.join("source/page.html.md.erb"),
        "---\ntitle: Deploying\nlast_reviewed_on: 2026-11-01\nreview_in: 6 months\nowner_slack: \"#team\"\n---\n# <%= current_page.data.title %>\n\n<%= warning_text('Never deploy on a Friday afternoon') %>\n\n## Before\n\n### Checks\n\n### Approvals\n\n## During\n\n## After\n",
    )
    .unwrap();
    let site = tmp.path().join("site");
    build(&repo, &site);
    let mut visits = Vec::new();
    for (width, scheme) in [
        (390, "light"),
        (390, "dark"),
        (1280, "light"),
        (1280, "dark"),
    ] {
        visits.push(json!({
            "url": url(&site, "page/index.html"), "width": width, "scheme": scheme, "axe": true,
            "contrast": { "warning": ".warning-text", "label": ".warning-text strong" },
            "all": { "sections": [".toc ol > li > a", "href"], "subsections": [".toc ol > li > ul > li > a", "href"], "h1": ["h1", "id"] },
            "boxes": { "warning": ".warning-text" },
        }));
    }
    let Some(results) = drive(visits) else { return };
    for r in &results {
        let label = format!("{} {}", r["viewWidth"], r["contrast"]);
        for (what, ratio) in r["contrast"].as_object().unwrap() {
            let ratio = ratio
                .as_f64()
                .unwrap_or_else(|| panic!("{what} missing: {label}"));
            assert!(ratio >= 4.5, "{what}: contrast {ratio} ({label})");
        }
        assert_eq!(
            r["all"]["sections"],
            json!(["#before", "#during", "#after"]),
            "{r}"
        );
        assert_eq!(
            r["all"]["subsections"],
            json!(["#checks", "#approvals"]),
            "{r}"
        );
        assert_eq!(r["all"]["h1"], json!(["deploying"]), "one H1: {r}");
        let b = r["boxes"]["warning"].as_array().unwrap();
        let view = r["viewWidth"].as_f64().unwrap();
        assert!(
            b[0].as_f64().unwrap() >= 0.0 && b[1].as_f64().unwrap() <= view,
            "{r}"
        );
        assert!(r["docWidth"].as_f64().unwrap() <= view, "{r}");
        assert_eq!(r["axe"], json!([]), "{r}");
    }
}

#[test]
fn section_headings_link_to_themselves_and_buttons_copy_links_and_code() {
    let tmp = tempfile::tempdir().unwrap();
    let kb = tmp.path().join("kb");
    fs::create_dir_all(kb.join("ops")).unwrap();
    fs::write(kb.join("vouch.yaml"), "title: Ops\n").unwrap();
    fs::write(
        kb.join("ops/keys.md"),
        card(
            "Rotating keys",
            "ana",
            "2026-11-20",
            "",
            "Keys last a year.\n\n## Rotate the key\n\nRun this:\n\n```sh\nvault rotate --key api <keys.txt\n```\n\n### Tell the owners\n\nSay so in the channel.",
        ),
    )
    .unwrap();
    let site = tmp.path().join("site");
    build(&kb, &site);
    // Without JavaScript each section heading ends with a link to itself.
    let page = fs::read_to_string(site.join("ops/keys/index.html")).unwrap();
    assert!(
        page.contains(r##"<h2 id="rotate-the-key">Rotate the key <a class="heading-anchor" href="#rotate-the-key" aria-labelledby="rotate-the-key">#</a></h2>"##),
        "{page}"
    );
    assert!(page.contains(r##"<a class="heading-anchor" href="#tell-the-owners""##));
    let base = common::serve(&site, "/");
    let url = format!("{base}ops/keys/");
    let visit = |width: u32, scheme: &str| {
        json!({
            "url": url, "width": width, "scheme": scheme, "clipboard": true, "axe": true,
            "all": { "links": [".card-body .copy-link", "aria-label"], "code": [".code-block .copy-code", null] },
            "boxes": { "button": ".copy-code", "pre": ".code-block pre" },
            "steps": [
                ["click", ".copy-code"],
                ["snap", "code"],
                ["click", "#rotate-the-key .copy-link"],
                ["snap", "link"],
            ],
        })
    };
    let Some(runs) = drive(vec![visit(390, "light"), visit(1280, "dark")]) else {
        return;
    };
    for run in &runs {
        assert_eq!(
            run["all"]["links"],
            json!(["Copy a link to this section", "Copy a link to this section"]),
            "{run}"
        );
        // Measured after the clicks: the button says it copied.
        assert_eq!(run["all"]["code"], json!(["✓"]), "{run}");
        assert_eq!(
            run["snaps"]["code"]["clipboard"], "vault rotate --key api <keys.txt\n",
            "{run}"
        );
        assert_eq!(
            run["snaps"]["link"]["clipboard"],
            format!("{url}#rotate-the-key"),
            "{run}"
        );
        // The button sits inside the code block's top end.
        let (b, p) = (&run["boxes"]["button"], &run["boxes"]["pre"]);
        let f = |v: &Value, i: usize| v[i].as_f64().unwrap();
        assert!(
            f(b, 1) <= f(p, 1) && f(b, 0) >= f(p, 0) && f(b, 2) >= f(p, 2),
            "{run}"
        );
        assert_eq!(run["axe"], json!([]), "{run}");
        assert_eq!(run["console"], json!([]), "{run}");
        assert_eq!(run["docWidth"], run["viewWidth"], "{run}");
    }
}

#[test]
fn nested_folders_have_pages_breadcrumbs_and_a_tree_that_opens_and_closes() {
    let tmp = tempfile::tempdir().unwrap();
    let kb = tmp.path().join("kb");
    for dir in ["support/refunds/annual", "support/deep/x"] {
        fs::create_dir_all(kb.join(dir)).unwrap();
    }
    fs::write(kb.join("vouch.yaml"), "title: Nest\n").unwrap();
    for (path, title) in [
        ("support/intro.md", "Intro"),
        ("support/refunds/index.md", "Refunds overview"),
        ("support/refunds/policy.md", "Refund policy"),
        ("support/refunds/annual/plan.md", "Annual plan refunds"),
        ("support/deep/x/y.md", "Deep card"),
    ] {
        fs::write(kb.join(path), card(title, "ana", "2026-11-20", "", "Text.")).unwrap();
    }
    let site = tmp.path().join("site");
    build(&kb, &site);
    // Every folder has a page: its index card's, or its own.
    for page in [
        "support/refunds/",
        "support/refunds/annual/",
        "support/deep/",
        "support/deep/x/",
    ] {
        assert!(site.join(page).join("index.html").is_file(), "{page}");
    }
    let dead = common::crawl::crawl(&site);
    assert!(dead.is_empty(), "{dead:?}");
    let base = common::serve(&site, "/");
    let visit = |page: &str, width: u32, scheme: &str, steps: Value| {
        json!({
            "url": format!("{base}{page}"), "width": width, "scheme": scheme, "axe": true,
            "all": {
                "crumbs": [".breadcrumb a", null],
                "tree": [".folder-tree a", "href"],
                "cards": [".card-list a", null],
            },
            "visible": { "inner": ".folder-tree a[href$='support/deep/x/']" },
            "steps": steps,
        })
    };
    let close = json!([["activate", ".folder-tree details summary"]]);
    let Some(runs) = drive(vec![
        visit("support/refunds/annual/plan/", 390, "light", json!([])),
        visit("support/deep/x/", 1280, "dark", json!([])),
        visit("support/", 390, "dark", json!([])),
        visit("support/", 1280, "light", close),
    ]) else {
        return;
    };
    let texts = |run: &Value, key: &str| -> Vec<String> {
        run["all"][key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    // A card's breadcrumbs go through every folder above it.
    assert_eq!(
        texts(&runs[0], "crumbs"),
        ["Home", "support", "Refunds overview", "annual"],
        "{}",
        runs[0]
    );
    // A folder's own page: the way up, and its cards.
    assert_eq!(texts(&runs[1], "crumbs"), ["Home", "support", "deep"]);
    assert_eq!(texts(&runs[1], "cards"), ["Deep card"]);
    // The collection's page: the tree of its folders, open.
    assert_eq!(
        texts(&runs[2], "tree"),
        ["deep/", "deep/x/", "refunds/", "refunds/annual/"].map(|p| format!("../support/{p}")),
        "{}",
        runs[2]
    );
    assert_eq!(runs[2]["visible"]["inner"], true, "open: {}", runs[2]);
    // Closing a folder hides the folders inside it.
    assert_eq!(runs[3]["visible"]["inner"], false, "closed: {}", runs[3]);
    for run in &runs {
        assert_eq!(run["axe"], json!([]), "{run}");
        assert_eq!(run["docWidth"], run["viewWidth"], "{run}");
        assert_eq!(run["console"], json!([]), "{run}");
    }
}
