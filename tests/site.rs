//! `vouch build` on the fixture root `tests/site/fixture/`: the pages it
//! writes, what they say, and how the output folder is replaced.
//! `VOUCH_BLESS=1 cargo test --test site` rewrites the golden files.

mod common;

use common::assert_exit;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/site/fixture");
const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/site/golden");

fn build(root: &Path, out: &Path, today: &str) -> Output {
    build_with(root, out, today, &[])
}

/// [`build`] with more environment variables.
fn build_with(root: &Path, out: &Path, today: &str, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .envs(env.iter().copied())
        .arg("build")
        .arg(root)
        .arg("-o")
        .arg(out)
        .args(["--today", today, "--format", "json"])
        .env_remove("GITHUB_ACTIONS")
        // The fixture lives in vouch's own repository: its history is not the test's.
        .env(
            "GIT_CEILING_DIRECTORIES",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests"),
        )
        .output()
        .expect("vouch runs")
}

/// Builds a copy of the fixture (outside any git repository, so edit links do
/// not depend on where this checkout lives) and returns (tempdir, site path).
/// A copy of the fixture root in a temp folder (`kb/`), and where its site
/// goes (`site/` beside it).
fn fixture_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    copy_dir(Path::new(FIXTURE), &root);
    let out = tmp.path().join("site");
    (tmp, root, out)
}

fn built_fixture() -> (tempfile::TempDir, PathBuf) {
    let (tmp, root, out) = fixture_copy();
    let output = build(&root, &out, "2026-11-25");
    assert_exit(&output, 0);
    (tmp, out)
}

/// Every file under `dir`, by relative path, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    out
}

fn read(site: &Path, rel: &str) -> String {
    fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main> element");
    let end = html.find("</main>").expect("a </main>") + "</main>".len();
    &html[start..end]
}

#[test]
fn page_set_and_urls() {
    let (_tmp, site) = built_fixture();
    let all: Vec<String> = files(&site).into_keys().collect();
    // Which term shards, filter lists and state-change files exist depends
    // on the index's layout, tested with search.
    let shards = all.iter().filter(|p| p.starts_with("_/search/t/")).count();
    assert!(
        shards > 10,
        "the search index is split into shards: {shards}"
    );
    let facets = [
        "_/search/f/c/",
        "_/search/f/o/",
        "_/search/f/t/",
        "_/search/f/l/",
    ];
    for facet in facets {
        assert!(
            all.iter().any(|p| p.starts_with(facet)),
            "a filter list under {facet}"
        );
    }
    let paths: Vec<&String> = all
        .iter()
        .filter(|p| {
            !["_/search/t/", "_/search/f/", "_/search/w/"]
                .iter()
                .any(|d| p.starts_with(d))
        })
        .collect();
    let expected = [
        ".nojekyll",
        ".vouch-site",
        "404.html",
        "_/assets/search.js",
        "_/assets/style.css",
        "_/assets/vouch.js",
        "_/freshness/index.html",
        "_/owners/ana/index.html",
        "_/owners/billing/index.html",
        "_/owners/index.html",
        "_/owners/joao/index.html",
        "_/owners/maria/index.html",
        "_/search/d/0.json",
        "_/search/index.html",
        "_/search/meta.json",
        "_/search/x/0.json",
        "_/tags/billing/index.html",
        "_/tags/export/index.html",
        "_/tags/index.html",
        "_/tags/refunds/index.html",
        "_/totals.json",
        "cards.json",
        "images/flow.png",
        "index.html",
        "llms.txt",
        "product/export.md",
        "product/export/index.html",
        "product/index.html",
        "product/old.md",
        "product/old/index.html",
        "product/xss.md",
        "product/xss/index.html",
        "sitemap.xml",
        "support/hebrew.md",
        "support/hebrew/index.html",
        "support/index.html",
        "support/reembolsos.md",
        "support/reembolsos/index.html",
        "support/refunds.md",
        "support/refunds/index.html",
    ];
    assert_eq!(
        paths, expected,
        "drafts are not published; everything else is"
    );
}

#[test]
fn card_page_main_matches_golden() {
    let (_tmp, site) = built_fixture();
    for (page, golden) in [
        ("support/refunds/index.html", "refunds-main.html"),
        ("support/hebrew/index.html", "hebrew-main.html"),
    ] {
        let actual = main_of(&read(&site, page)).to_owned();
        let path = Path::new(GOLDEN).join(golden);
        if std::env::var_os("VOUCH_BLESS").is_some() {
            fs::write(&path, &actual).unwrap();
        }
        let expected = fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            actual, expected,
            "{page} differs from {golden} (VOUCH_BLESS=1 to accept)"
        );
    }
}

#[test]
fn links_are_rewritten_to_page_urls() {
    let (_tmp, site) = built_fixture();
    let page = read(&site, "support/refunds/index.html");
    assert!(
        page.contains(r#"<a href="../../product/export/#limits">the export limits</a>"#),
        "{page}"
    );
    assert!(page.contains(r#"<a href="../../support/reembolsos/">Portuguese version</a>"#));
    assert!(page.contains(r#"<img src="../../images/flow.png" alt="How a refund flows" />"#));
    assert!(page.contains(r#"<a href="https://billing.acme.example">Billing</a>"#));
    assert!(page.contains(
        r#"<link rel="alternate" type="text/markdown" href="../../support/refunds.md">"#
    ));
    // The target lists its backlink, and the raw card keeps its front matter.
    let export = read(&site, "product/export/index.html");
    assert!(
        export.contains(
            r#"<a href="../../support/refunds/"><bdi>Refunding an annual plan</bdi></a>"#
        )
    );
    assert!(
        read(&site, "support/refunds.md").starts_with("---\ntitle: Refunding an annual plan\n")
    );
}

#[test]
fn heading_ids_keep_every_script() {
    let (_tmp, site) = built_fixture();
    let pt = read(&site, "support/reembolsos/index.html");
    assert!(pt.contains(r#"<h2 id="verificação-do-pedido">"#), "{pt}");
    let he = read(&site, "support/hebrew/index.html");
    assert!(he.contains(r#"<h2 id="מגבלות-ייצוא">"#));
    // pulldown-cmark percent-encodes URLs; browsers decode a fragment before
    // matching it against ids, so this link reaches the heading above.
    assert!(he.contains(
        r##"<a href="#%D7%9E%D7%92%D7%91%D7%9C%D7%95%D7%AA-%D7%99%D7%99%D7%A6%D7%95%D7%90">"##
    ));
}

#[test]
fn rtl_languages_get_dir_rtl() {
    let (_tmp, site) = built_fixture();
    // The page speaks the site's language; the card keeps its own.
    let hebrew = read(&site, "support/hebrew/index.html");
    assert!(hebrew.starts_with("<!doctype html>\n<html lang=\"en\" dir=\"ltr\">"));
    assert!(hebrew.contains(r#"<article class="card" lang="he" dir="rtl">"#));
    assert!(
        read(&site, "support/reembolsos/index.html")
            .contains(r#"<article class="card" lang="pt-BR" dir="ltr">"#)
    );
}

#[test]
fn script_vectors_render_inert() {
    let (_tmp, site) = built_fixture();
    let page = read(&site, "product/xss/index.html");
    let body = main_of(&page).to_lowercase();
    for needle in [
        "<script",
        "onerror",
        "onload",
        "ontoggle",
        "onclick",
        "javascript:",
        "<iframe",
        "<object",
        "<form",
        "data:text/html",
        "<style",
        "alert(",
    ] {
        assert!(!body.contains(needle), "`{needle}` survived:\n{body}");
    }
    assert!(
        body.contains("<strong>bold</strong>") && body.contains("<em>emphasis</em>"),
        "safe markup is kept"
    );
    // The page's only scripts are vouch's own.
    assert_eq!(page.matches("<script").count(), 2);
    assert!(page.contains(r#"<script src="../../_/assets/vouch.js" defer></script>"#));
    assert!(page.contains(r#"<script src="../../_/assets/search.js" defer></script>"#));
}

#[test]
fn archived_cards_carry_a_banner_and_drafts_are_not_published() {
    let (_tmp, site) = built_fixture();
    let old = read(&site, "product/old/index.html");
    assert!(old.contains("This card is archived"));
    assert!(old.contains(r#"<span class="badge badge-archived" data-vouch-badge data-state="archived">Archived</span>"#));
    assert!(!site.join("product/draft").exists());
    assert!(!read(&site, "cards.json").contains("product/draft"));
}

#[test]
fn builds_are_deterministic() {
    let (_a, first) = built_fixture();
    let (_b, second) = built_fixture();
    let (a, b) = (files(&first), files(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between two builds");
    }
}

#[test]
fn machine_outputs_describe_every_published_card() {
    let (_tmp, site) = built_fixture();
    let json: serde_json::Value = serde_json::from_str(&read(&site, "cards.json")).unwrap();
    let cards = json["cards"].as_array().unwrap();
    let ids: Vec<&str> = cards.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "product/export",
            "product/old",
            "product/xss",
            "support/hebrew",
            "support/reembolsos",
            "support/refunds"
        ]
    );
    let refunds = &cards[5];
    assert_eq!(
        refunds["url"],
        "https://kb.acme.example/help/support/refunds/"
    );
    assert_eq!(
        refunds["markdown_url"],
        "https://kb.acme.example/help/support/refunds.md"
    );
    assert_eq!(refunds["type"], "faq");
    assert_eq!(refunds["owners"], serde_json::json!(["billing"]));
    assert_eq!(refunds["verified"], "2026-11-01");
    assert_eq!(refunds["verified_by"], "maria");
    assert_eq!(refunds["verify_every"], "90d");
    assert_eq!(refunds["due"], "2027-01-30");
    assert_eq!(refunds["state"], "fresh");
    assert_eq!(refunds["tags"], serde_json::json!(["billing", "refunds"]));
    assert_eq!(
        refunds["links"],
        serde_json::json!(["product/export", "support/reembolsos"])
    );
    assert_eq!(cards[1]["state"], "archived");

    let llms = read(&site, "llms.txt");
    assert!(
        llms.starts_with("# Acme Support\n\n> Answers the support team can trust."),
        "{llms}"
    );
    assert!(llms.contains("\n## Support\n\n"));
    // An agent learns where the search page and the static index are.
    assert!(
        llms.contains("`https://kb.acme.example/help/_/search/?q=WORDS`")
            && llms.contains("`https://kb.acme.example/help/_/search/meta.json`"),
        "{llms}"
    );
    assert!(
        site.join("_/search/meta.json").is_file(),
        "the address llms.txt gives exists"
    );
    assert!(llms.contains(
        "- [Refunding an annual plan](https://kb.acme.example/help/support/refunds.md): fresh, verified 2026-11-01, due 2027-01-30, owners: billing\n"
    ));
    let sitemap = read(&site, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://kb.acme.example/help/support/refunds/</loc>"));
    assert!(!sitemap.contains("404"));
}

#[test]
fn edit_and_owner_links_come_from_the_registry_and_repo() {
    let (_tmp, site) = built_fixture();
    let page = read(&site, "support/refunds/index.html");
    assert!(page.contains(r#"<a href="https://github.com/acme/kb/edit/main/support/refunds.md">Edit this card</a>"#), "{page}");
    assert!(page.contains(
        r#"<a href="https://github.com/acme/kb/commits/main/support/refunds.md">History</a>"#
    ));
    assert!(page.contains(r#"<a href="../../_/owners/billing/" dir="auto">Billing</a>"#));
    assert!(page.contains(r#"<span class="contact contact-github"><a href="https://github.com/orgs/acme/teams/billing">@acme/billing</a></span>"#));
    assert!(page.contains("Verified by <strong><bdi>Maria Silva</bdi></strong> on <time datetime=\"2026-11-01\">November 1, 2026</time>"));
    let maria = read(&site, "_/owners/maria/index.html");
    assert!(maria.contains(r#"<tr><td><a href="../../../_/owners/billing/">Billing</a></td><td>2</td><td><span data-vouch-count="o:billing" data-count-state="stale" data-bare>0</span></td>"#), "maria answers for her team's cards: {maria}");
    assert!(maria.contains("<p>5 cards · Trust score"), "{maria}");
    // Her list holds her team's cards too.
    assert!(
        maria.contains(r#"href="../../../support/refunds/""#),
        "{maria}"
    );
    let billing = read(&site, "_/owners/billing/index.html");
    assert!(billing.contains(r#"href="../../../support/refunds/""#));
}

#[test]
fn a_card_a_person_owns_directly_and_through_a_team_counts_once() {
    let (_tmp, root, out) = fixture_copy();
    // Maria owns export herself and, through billing, the support cards;
    // export now names billing too.
    let export = root.join("product/export.md");
    let text = fs::read_to_string(&export).unwrap();
    fs::write(
        &export,
        text.replace("owners: [maria]", "owners: [maria, billing]"),
    )
    .unwrap();
    assert_exit(&build(&root, &out, "2026-11-25"), 0);
    let maria = read(&out, "_/owners/maria/index.html");
    assert!(maria.contains("<p>5 cards · Trust score"), "{maria}");
    assert_eq!(
        maria.matches(r#"href="../../../product/export/""#).count(),
        1,
        "export is listed once: {maria}"
    );
    let billing = read(&out, "_/owners/billing/index.html");
    assert!(
        billing.contains(r#"href="../../../product/export/""#),
        "{billing}"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_site() {
    let (tmp, root, out) = fixture_copy();
    assert_eq!(build(&root, &out, "2026-11-25").status.code(), Some(0));
    let before = files(&out);

    fs::create_dir_all(root.join("templates/site")).unwrap();
    fs::write(
        root.join("templates/site/card.html"),
        "{% extends \"base.html\" %}{% block main %}{{ card.title }{% endblock %}",
    )
    .unwrap();
    fs::write(
        root.join("support/new.md"),
        "---\ntitle: New\nowners: [ana]\nverified: 2026-11-20\n---\nNew.\n",
    )
    .unwrap();
    let failed = build(&root, &out, "2026-11-25");
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("templates/site/card.html"), "{stderr}");
    assert_eq!(files(&out), before, "the previous site is untouched");
    let mut leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    leftovers.sort();
    assert_eq!(
        leftovers,
        [".site.vouch-cache", "kb", "site"],
        "no staging folder is left behind"
    );
}

#[test]
fn a_folder_vouch_did_not_write_is_never_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("docs");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("precious.txt"), "keep").unwrap();
    let output = build(Path::new(FIXTURE), &out, "2026-11-25");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(out.join("precious.txt")).unwrap(),
        "keep"
    );
}

#[test]
fn cards_with_errors_do_not_stop_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    copy_dir(Path::new(FIXTURE), &root);
    fs::write(
        root.join("support/broken.md"),
        "---\ntitle: [unclosed\n---\n",
    )
    .unwrap();
    fs::write(
        root.join("support/stale.md"),
        "---\ntitle: Stale\nverified: 2020-01-01\nverified_by: maria\n---\nOld.\n",
    )
    .unwrap();
    let out = tmp.path().join("site");
    let output = build(&root, &out, "2026-11-25");
    assert_eq!(
        output.status.code(),
        Some(1),
        "errors fail the build's status"
    );
    assert!(out.join("support/refunds/index.html").is_file());
    let stale = read(&out, "support/stale/index.html");
    assert!(
        stale.contains(r#"class="badge badge-stale""#),
        "a stale card is published as stale"
    );
    assert!(
        !out.join("support/broken").exists(),
        "an unreadable card is not"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn a_roots_templates_replace_the_built_ins() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    copy_dir(Path::new(FIXTURE), &root);
    fs::create_dir_all(root.join("templates/site")).unwrap();
    fs::write(
        root.join("templates/site/style.css"),
        "body { color: rebeccapurple; }\n",
    )
    .unwrap();
    fs::write(
        root.join("templates/site/404.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>Lost? Ask in #support</h1>{% endblock %}",
    )
    .unwrap();
    let out = tmp.path().join("site");
    assert_eq!(build(&root, &out, "2026-11-25").status.code(), Some(0));
    assert_eq!(
        read(&out, "_/assets/style.css"),
        "body { color: rebeccapurple; }\n"
    );
    let not_found = read(&out, "404.html");
    assert!(not_found.contains("<h1>Lost? Ask in #support</h1>"));
    // The 404 page is served at any address: it links from the base URL's path.
    assert!(
        not_found.contains(r#"<link rel="stylesheet" href="/help/_/assets/style.css">"#),
        "{not_found}"
    );
    assert!(
        read(&out, "index.html").contains("Recently verified"),
        "other templates stay built in"
    );
}

/// Lists take each card's badge, title and dates from the macros of
/// `macros.html` (rendered once per card): an override of a macro shows in
/// every list, and a broken one is an error naming the template.
#[test]
fn list_macros_of_a_root_show_in_every_list() {
    let (_tmp, root, out) = fixture_copy();
    let built_in = include_str!("../templates/site/macros.html");
    let badge_start = built_in.find("{% macro badge(card)").unwrap();
    let badge_end = badge_start + built_in[badge_start..].find("{%- endmacro %}").unwrap();
    let macros = format!(
        "{}{{% macro badge(card) -%}}<i class=\"mine\">{{{{ card.state }}}}</i>{}",
        &built_in[..badge_start],
        &built_in[badge_end..]
    );
    fs::create_dir_all(root.join("templates/site")).unwrap();
    fs::write(root.join("templates/site/macros.html"), &macros).unwrap();
    assert_exit(&build(&root, &out, "2026-11-25"), 0);
    let tag = read(&out, "_/tags/billing/index.html");
    let items = tag.matches("<li>").count();
    assert!(items >= 2, "{tag}");
    assert_eq!(tag.matches(r#"<i class="mine">"#).count(), items, "{tag}");
    assert!(read(&out, "index.html").contains(r#"<i class="mine">"#));
    // The card's own page calls the macro too.
    assert!(read(&out, "support/refunds/index.html").contains(r#"<i class="mine">"#));

    fs::write(
        root.join("templates/site/macros.html"),
        macros.replace("{{ card.state }}", "{{ card.state.nothing.here }}"),
    )
    .unwrap();
    let failed = build(&root, &out, "2026-11-25");
    assert_exit(&failed, 1);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("templates/site/macros.html"), "{stderr}");
}

/// `VOUCH_TIMINGS` prints each phase of a build to stderr, pages and search
/// index alike; without it a build says nothing of the sort, and the site is
/// the same either way.
#[test]
fn phase_times_are_printed_only_when_asked() {
    let (tmp, root, out) = fixture_copy();
    let quiet = build(&root, &out, "2026-11-25");
    assert_exit(&quiet, 0);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("timing "));
    let before = files(&out);
    let timed_out = tmp.path().join("timed");
    let timed = build_with(&root, &timed_out, "2026-11-25", &[("VOUCH_TIMINGS", "1")]);
    assert_exit(&timed, 0);
    let stderr = String::from_utf8_lossy(&timed.stderr);
    for phase in [
        "load",
        "model",
        "card pages",
        "search index",
        "machine files",
        "commit",
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with(&format!("timing {phase} "))),
            "no `{phase}` in:\n{stderr}"
        );
    }
    assert_eq!(files(&timed_out), before, "timing changes nothing built");
}

#[test]
fn tech_docs_links_lead_to_pages_and_headings() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("docs");
    copy_dir(
        Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/cmd/techdocs.in"
        )),
        &repo,
    );
    let out = tmp.path().join("site");
    build(&repo, &out, "2026-11-25");
    let index = fs::read_to_string(out.join("index/index.html")).unwrap();
    // The body's links (not the related cards' under it).
    let body = index
        .split("<div class=\"card-body\">")
        .nth(1)
        .unwrap_or_default();
    let body = body.split("</article>").next().unwrap_or_default();
    let hrefs: Vec<&str> = body
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.contains("manual"))
        .collect();
    assert_eq!(
        hrefs,
        [
            // relative `.html`, site-absolute, and a `redirects:` path
            "../manual/alerts/",
            "../manual/runbook/",
            "../manual/runbook/",
            // not a page: left as written (check reports it)
            "/manual/nope.html",
            // the gem's anchor ids lead to the headings' ids on this site
            "../manual/alerts/#what-were-fixing",
            "../manual/alerts/#-current_pagedatatitle-",
        ]
    );
    let alerts = fs::read_to_string(out.join("manual/alerts/index.html")).unwrap();
    assert!(alerts.contains("<h2 id=\"what-were-fixing\""));
    assert!(alerts.contains("<h1 id=\"-current_pagedatatitle-\""));
}

/// Every file of a site, compared with a fresh build of the same root.
fn assert_same_site(built: &Path, root: &Path, today: &str, why: &str) {
    let fresh_tmp = tempfile::tempdir().unwrap();
    let fresh = fresh_tmp.path().join("site");
    build(root, &fresh, today);
    let (a, b) = (files(built), files(&fresh));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{why}: the same files"
    );
    for (path, bytes) in &a {
        assert!(
            bytes == &b[path],
            "{why}: {path} differs from a fresh build"
        );
    }
}

#[test]
fn rebuilds_start_from_the_previous_site_and_match_a_fresh_build() {
    let (tmp, root, out) = fixture_copy();
    let cache = tmp.path().join(".site.vouch-cache");
    for _ in 0..3 {
        build(&root, &out, "2026-11-25");
    }
    assert!(
        cache.join("tree/index.html").is_file(),
        "the previous site is kept"
    );
    assert!(
        fs::read_to_string(cache.join(".gitignore"))
            .unwrap()
            .contains("*\n"),
        "git ignores the cache"
    );
    assert_same_site(&out, &root, "2026-11-25", "an unchanged rebuild");

    // Edits, a removed card, a new tag and a later day, over several builds,
    // so the cached copy lags the site by one build each time.
    let refunds = root.join("support/refunds.md");
    let text = fs::read_to_string(&refunds).unwrap();
    fs::write(&refunds, text.replace("tags: [", "tags: [brand-new, ")).unwrap();
    build(&root, &out, "2026-11-25");
    fs::remove_file(root.join("support/reembolsos.md")).unwrap();
    build(&root, &out, "2026-12-30");
    assert_same_site(&out, &root, "2026-12-30", "after edits and a removal");
    assert!(!out.join("support/reembolsos/index.html").exists());
    assert!(out.join("_/tags/brand-new/index.html").is_file());

    // A page edited by hand in the live site is put right once that copy
    // comes back from the cache (its time and size no longer match).
    fs::write(out.join("index.html"), "defaced").unwrap();
    build(&root, &out, "2026-12-30");
    build(&root, &out, "2026-12-30");
    assert_same_site(&out, &root, "2026-12-30", "after a hand edit");
}

#[cfg(unix)]
#[test]
fn a_link_planted_in_the_cached_site_is_never_written_through() {
    let (tmp, root, out) = fixture_copy();
    build(&root, &out, "2026-11-25");
    build(&root, &out, "2026-11-25");
    let tree = tmp.path().join(".site.vouch-cache/tree");
    let outside = tmp.path().join("outside.txt");
    fs::write(&outside, "not the site's").unwrap();
    let page = tree.join("support/refunds/index.html");
    fs::remove_file(&page).unwrap();
    std::os::unix::fs::symlink(&outside, &page).unwrap();
    let folder = tree.join("product");
    fs::remove_dir_all(&folder).unwrap();
    std::os::unix::fs::symlink(tmp.path(), &folder).unwrap();
    // A card edit makes the build rewrite that page.
    let refunds = root.join("support/refunds.md");
    let text = fs::read_to_string(&refunds).unwrap();
    fs::write(&refunds, format!("{text}\nOne more line.\n")).unwrap();
    build(&root, &out, "2026-11-25");
    assert_eq!(fs::read_to_string(&outside).unwrap(), "not the site's");
    assert!(!out.join("support/refunds/index.html").is_symlink());
    assert!(!out.join("product").is_symlink());
    assert_same_site(&out, &root, "2026-11-25", "after links in the cache");
}

#[cfg(unix)]
#[test]
fn a_cache_folder_that_is_a_link_is_replaced_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    copy_dir(Path::new(FIXTURE), &root);
    let outside = tmp.path().join("outside");
    fs::create_dir_all(outside.join("tree")).unwrap();
    fs::write(outside.join("tree/keep.txt"), "mine").unwrap();
    fs::write(outside.join("tree.manifest"), "mine").unwrap();
    let cache = tmp.path().join(".site.vouch-cache");
    std::os::unix::fs::symlink(&outside, &cache).unwrap();
    let out = tmp.path().join("site");
    for _ in 0..3 {
        assert_eq!(build(&root, &out, "2026-11-25").status.code(), Some(0));
    }
    assert_eq!(
        fs::read_to_string(outside.join("tree/keep.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        fs::read_to_string(outside.join("tree.manifest")).unwrap(),
        "mine"
    );
    assert!(!cache.is_symlink() && cache.is_dir());
    assert_same_site(&out, &root, "2026-11-25", "with a linked cache folder");
}

#[test]
fn a_rebuild_keeps_the_files_whose_bytes_did_not_change() {
    let (tmp, root, out) = fixture_copy();
    let modified = |rel: &str| fs::metadata(out.join(rel)).unwrap().modified().unwrap();
    build(&root, &out, "2026-11-25");
    let (page, edited) = ("product/export/index.html", "support/refunds/index.html");
    let first = (modified(page), modified(edited));
    // The second build finds no cached copy yet; the third starts from the
    // first build's site, now in the cache.
    build(&root, &out, "2026-11-25");
    let refunds = root.join("support/refunds.md");
    let text = fs::read_to_string(&refunds).unwrap();
    fs::write(&refunds, format!("{text}\nOne more line.\n")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    build(&root, &out, "2026-11-25");
    assert_eq!(
        modified(page),
        first.0,
        "{page} was kept, not written again"
    );
    assert_ne!(modified(edited), first.1, "{edited} was written");
    assert!(tmp.path().join(".site.vouch-cache/live.manifest").is_file());
}

#[test]
fn a_root_overrides_the_sites_words_or_adds_a_language() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    fs::create_dir_all(root.join("support")).unwrap();
    fs::create_dir_all(root.join("templates/i18n")).unwrap();
    fs::write(
        root.join("support/a.md"),
        "---\ntitle: Un article\nowners: [ana]\nverified: 2026-11-20\n---\nCorps.\n",
    )
    .unwrap();
    // French is not built in: one file adds it; what it leaves out is English.
    fs::write(root.join("vouch.yaml"), "title: Aide\nlang: fr\n").unwrap();
    fs::write(
        root.join("templates/i18n/fr.yaml"),
        "skip: Aller au contenu\nstate_fresh: À jour\ndays: {one: \"{n} jour\", other: \"{n} jours\"}\nmonths: [janvier, février, mars, avril, mai, juin, juillet, août, septembre, octobre, novembre, décembre]\ndate: \"{day} {month} {year}\"\ndue_in: \"à vérifier dans {span}\"\n",
    )
    .unwrap();
    let site = tmp.path().join("site");
    assert_eq!(build(&root, &site, "2026-11-25").status.code(), Some(0));
    let page = read(&site, "support/a/index.html");
    assert!(page.starts_with("<!doctype html>\n<html lang=\"fr\" dir=\"ltr\">"));
    assert!(page.contains(">Aller au contenu</a>"), "{page}");
    assert!(page.contains(">À jour</span>"));
    assert!(page.contains(">à vérifier dans 85 jours</time>"), "{page}");
    assert!(page.contains("20 novembre 2026"));
    assert!(
        page.contains("<h3>Owners</h3>"),
        "English where French is silent"
    );
    assert!(read(&site, "_/assets/vouch.js").contains(r#""skip":"Aller au contenu""#));

    // A Portuguese site changes one word of the built-in table.
    fs::write(root.join("vouch.yaml"), "title: Ajuda\nlang: pt\n").unwrap();
    fs::write(
        root.join("templates/i18n/pt.yaml"),
        "state_fresh: Confiável\n",
    )
    .unwrap();
    assert_eq!(build(&root, &site, "2026-11-25").status.code(), Some(0));
    let page = read(&site, "support/a/index.html");
    assert!(page.contains(">Confiável</span>"));
    assert!(
        page.contains(">Pular para o conteúdo</a>"),
        "the rest stays built in"
    );

    // `ui_lang` sets the words apart from the cards' language.
    fs::write(
        root.join("vouch.yaml"),
        "title: Ajuda\nlang: pt\nui_lang: es\n",
    )
    .unwrap();
    assert_eq!(build(&root, &site, "2026-11-25").status.code(), Some(0));
    let page = read(&site, "support/a/index.html");
    assert!(page.contains(">Saltar al contenido</a>"));
    assert!(page.contains(r#"<article class="card" lang="pt" dir="ltr">"#));

    // A `ui_lang` that is not a language tag names no file: it is reported
    // and the words follow `lang`.
    fs::write(
        root.join("vouch.yaml"),
        "title: Ajuda\nlang: pt\nui_lang: ../../../etc/x\n",
    )
    .unwrap();
    let out = build(&root, &site, "2026-11-25");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("`../../../etc/x` is not a language tag"),
        "{said}"
    );
    assert!(read(&site, "support/a/index.html").contains(">Pular para o conteúdo</a>"));

    // A broken table stops the build with its file and what is wrong.
    fs::write(
        root.join("vouch.yaml"),
        "title: Ajuda\nlang: pt\nui_lang: es\n",
    )
    .unwrap();
    fs::write(
        root.join("templates/i18n/es.yaml"),
        "days: {one: \"{n} día\"}\n",
    )
    .unwrap();
    let out = build(&root, &site, "2026-11-25");
    assert_eq!(out.status.code(), Some(1), "as a broken template does");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("templates/i18n/es.yaml")
            && stderr.contains("`days` has plural forms but no `other`"),
        "{stderr}"
    );
}

#[test]
fn slack_channels_link_into_the_workspace_of_tech_docs_or_vouch_yaml() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("docs");
    fs::create_dir_all(repo.join("config")).unwrap();
    fs::create_dir_all(repo.join("source/manual")).unwrap();
    fs::write(
        repo.join("config/tech-docs.yml"),
        "service_name: Docs\nowner_slack_workspace: gds\n",
    )
    .unwrap();
    fs::write(
        repo.join("source/manual/runbook.html.md"),
        "---\ntitle: Runbook\nowner_slack: \"#platform-team\"\nlast_reviewed_on: 2026-11-01\nreview_in: 6 months\n---\nSteps.\n",
    )
    .unwrap();
    let site = tmp.path().join("site");
    let out = build(&repo.join("source"), &site, "2026-11-25");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = read(&site, "manual/runbook/index.html");
    assert!(
        page.contains(r#"<a href="https://gds.slack.com/app_redirect?channel=platform-team">#platform-team</a>"#),
        "{page}"
    );
    assert!(
        page.contains(
            r#"<a class="button" href="https://gds.slack.com/app_redirect?channel=platform-team">"#
        ),
        "the ask goes to the channel"
    );
}

/// `llms.txt` tells a fetch-only agent how to look a word up in the search
/// index; following its steps by hand, with nothing but the files, finds the
/// card.
#[test]
fn llms_txt_says_how_to_search_the_index_without_a_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/search/fixture")),
        &out,
        "2026-11-25",
    );
    let llms = fs::read_to_string(out.join("llms.txt")).unwrap();
    assert!(llms.contains("## Searching without a browser"), "{llms}");
    assert!(llms.contains("/help/_/search/t/7265.json`"), "{llms}");
    let json = |path: &str| -> serde_json::Value {
        serde_json::from_str(&fs::read_to_string(out.join("_/search").join(path)).unwrap()).unwrap()
    };
    let meta = json("meta.json");
    // Step 1: `How` is a stop word; step 2: `refunds` stems to `refund`.
    assert!(
        meta["stop"]["en"]
            .as_array()
            .unwrap()
            .contains(&"how".into())
    );
    let term = "refund";
    // Step 3: the longest listed prefix, its file, the running card numbers.
    let shards: Vec<&str> = meta["shards"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    let prefix = (1..=term.len())
        .rev()
        .map(|n| &term[..n])
        .find(|p| shards.contains(p))
        .unwrap();
    let hex: String = prefix.bytes().map(|b| format!("{b:02x}")).collect();
    let postings = json(&format!("t/{hex}.json"))[term]
        .as_array()
        .unwrap()
        .clone();
    let mut card = 0;
    let mut best = (0, 0);
    for pair in postings.chunks(2) {
        card += pair[0].as_u64().unwrap();
        let weight = pair[1].as_u64().unwrap() / 8;
        assert!((1..=100).contains(&weight), "{weight}");
        if weight > best.1 {
            best = (card, weight);
        }
    }
    // Step 4: the card's row.
    let row = &json(&format!("d/{}.json", best.0 / 16))[(best.0 % 16) as usize];
    assert_eq!(row[1], "support/refunds/", "{row}");
    let sections = json(&format!("x/{}.json", best.0 / 16))[(best.0 % 16) as usize].clone();
    assert!(
        sections[0][2].as_str().unwrap().contains("refunds"),
        "{sections}"
    );
}

/// Card pages and card summaries are written in Rust while the root
/// overrides none of `base.html`, `card.html` and `macros.html`
/// (`src/render/compiled.rs`); an override goes through minijinja. A root
/// with every kind of card, in a git repository, built three ways — as it
/// is, with a byte copy of the built-in `card.html` as its own, and with a
/// copy of `macros.html` — gives the same bytes in every file.
#[test]
fn compiled_card_pages_are_the_templates_bytes() {
    let (tmp, root, _) = fixture_copy();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    // Asking through Slack needs the workspace; João has left.
    let config = fs::read_to_string(root.join("vouch.yaml")).unwrap();
    write("vouch.yaml", &format!("{config}slack_workspace: acme\n"));
    let owners = fs::read_to_string(root.join("owners.yaml")).unwrap();
    write(
        "owners.yaml",
        &format!(
            "{owners}  guides:\n    name: Guides\n    members: [ana]\n    slack: \"#guides\"\n"
        ),
    );
    write(
        "support/guides/index.md",
        "---\ntitle: Guides\nowners: [ana]\nverified: 2026-11-20\n---\nThe guides' folder.\n",
    );
    write(
        "support/guides/deep/steps.md",
        "---\ntitle: Steps & \"quotes\" <b>\nowners: [guides, maria]\nverified: 2026-09-01\nverified_by: ana\nverify_every: 3m\ntags: [billing, 'a&b']\n---\n# Steps & \"quotes\" <b>\n\nIntro.\n\n## First\n\nText.\n\n### Detail <i>\n\nMore.\n\n## Second\n\nSee [refunds](../../refunds.md) and [export](../../../product/export.md).\n",
    );
    write(
        "support/orphan.md",
        "---\ntitle: Left behind\nowners: [joao]\nverified: 2026-06-01\n---\nOnly João owned this.\n",
    );
    write(
        "support/unverified.md",
        "---\ntitle: Nobody checked\nowners: [maria]\n---\n## One\n\nA single section.\n",
    );
    write(
        "support/pt.md",
        "---\ntitle: Exportação\nlang: pt\nowners: [billing]\nverified: 2026-11-24\nverify_every: 2w\n---\nVeja [os passos](guides/deep/steps.md).\n",
    );
    write(
        "loose.md",
        "---\ntitle: Loose card\nowners: [nobody-registered]\nverified: 2025-01-01\nverify_every: 1y\n---\nNo collection.\n",
    );
    write(
        "no-owner.md",
        "---\ntitle: No owner\nverified: 2026-11-01\n---\nNobody.\n",
    );
    let git = |args: &[&str]| common::git_isolated(&root, args);
    git(&["init", "-q", "-b", "main"]);
    git(&[
        "-c",
        "user.name=Ann",
        "-c",
        "user.email=ann@acme.example",
        "add",
        "-A",
    ]);
    git(&[
        "-c",
        "user.name=Ann <x>",
        "-c",
        "user.email=ann@acme.example",
        "commit",
        "-q",
        "-m",
        "cards",
    ]);
    let built = |name: &str| {
        let out = tmp.path().join(name);
        let output = Command::new(env!("CARGO_BIN_EXE_vouch"))
            .args(["build", "--today", "2026-11-25", "-o"])
            .arg(&out)
            .arg(&root)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GITHUB_ACTIONS")
            .output()
            .unwrap();
        assert!(out.join("index.html").is_file(), "{output:?}");
        files(&out)
    };
    let compiled = built("compiled");
    // Every branch of the card page is taken somewhere.
    let pages: String = compiled
        .iter()
        .filter(|(path, _)| path.ends_with("/index.html"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    for shown in [
        "class=\"contact contact-slack\"",
        "class=\"contact contact-email\"",
        "toc-heading",
        "rel=\"prev\"",
        "rel=\"next\"",
        "<h1 id=\"",
        "banner-archived",
        "trust-orphaned",
        "class=\"owner-left\"",
        "href=\"mailto:",
        " · Slack</a>",
        "/issues/new?title=",
        "class=\"changed\"",
        "dir=\"rtl\"",
        "<span lang=\"pt\" dir=\"auto\">",
        "<ul class=\"related\">",
        "class=\"left\"",
        "Never verified",
        "No owner",
    ] {
        assert!(pages.contains(shown), "no card page has {shown}");
    }
    let templates = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/site/");
    for name in ["card.html", "macros.html"] {
        fs::create_dir_all(root.join("templates/site")).unwrap();
        fs::copy(
            format!("{templates}{name}"),
            root.join("templates/site").join(name),
        )
        .unwrap();
        let by_template = built(name);
        fs::remove_file(root.join("templates/site").join(name)).unwrap();
        assert_eq!(
            compiled.keys().collect::<Vec<_>>(),
            by_template.keys().collect::<Vec<_>>()
        );
        for (path, bytes) in &compiled {
            let other = &by_template[path];
            if bytes != other {
                let at = bytes.iter().zip(other).take_while(|(a, b)| a == b).count();
                let show = |b: &[u8]| {
                    String::from_utf8_lossy(&b[at.saturating_sub(80)..(at + 80).min(b.len())])
                        .into_owned()
                };
                panic!(
                    "{path} differs with {name} overridden, at byte {at}:\ncompiled: {}\ntemplate: {}",
                    show(bytes),
                    show(other)
                );
            }
        }
    }
}
