//! `check` ⇔ `build`: every internal `href` and `src` of a built site leads
//! to a file of the site (and every `#fragment` to an id on that page), or
//! `check` reported a diagnostic at that link. Roots are generated from a
//! seed: drafts, archived cards, unreadable cards, symlinks out of the root,
//! nested folders, folder index cards, anchors that exist and do not, raw
//! HTML links, vouch's own files, and collections named like the site's pages.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::Command;

mod common;

use common::assert_exit;
use common::crawl::{Dead, crawl};

/// A small deterministic generator (xorshift), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// Cards of every kind, by path under the root, with their front matter's
/// status (`None`: a card that cannot be read).
const CARDS: &[(&str, Option<&str>)] = &[
    ("search/indexing.md", Some("published")),
    ("owners/rota.md", Some("published")),
    ("tags/labels.md", Some("published")),
    ("freshness/policy.md", Some("published")),
    ("assets/uploads.md", Some("published")),
    ("support/index.md", Some("published")),
    ("support/refunds/index.md", Some("published")),
    ("support/refunds/annual.md", Some("published")),
    ("support/deep/x/y.md", Some("published")),
    ("support/old.md", Some("archived")),
    ("guides/draft.md", Some("draft")),
    ("guides/start.md", Some("published")),
    ("guides/broken.md", None),
    ("loose.md", Some("published")),
    ("support.md", Some("published")),
    ("dup.md", Some("published")),
    ("dup.html.md", Some("published")),
];

/// Link targets that are not cards.
const OTHERS: &[&str] = &[
    "support/pic.png",
    "support/",
    "support/refunds/",
    "support/deep/",
    "guides/",
    "search/",
    "",
    ".env",
    "owners.yaml",
    "vouch.yaml",
    "support/_collection.yaml",
    "leak.png",
    "templates/cards/faq.md",
    "missing.md",
    "missing.png",
    "../outside.md",
];

const ANCHORS: &[&str] = &["", "", "#alpha", "#beta", "#nowhere"];

/// `to` (a path under the root) as written in a card at `from`.
fn relative(from: &str, to: &str) -> String {
    if let Some(up) = to.strip_prefix("../") {
        let depth = from.matches('/').count();
        return format!("{}../{up}", "../".repeat(depth));
    }
    let depth = from.matches('/').count();
    let rel = format!("{}{to}", "../".repeat(depth));
    if rel.is_empty() { "./".to_owned() } else { rel }
}

fn generate(dir: &Path, seed: u64) {
    let mut rng = Rng(seed);
    fs::create_dir_all(dir.join("support/refunds")).unwrap();
    fs::write(dir.join("vouch.yaml"), "title: Agreement\n").unwrap();
    fs::write(dir.join("owners.yaml"), "people:\n  ana:\n    name: Ana\n").unwrap();
    fs::write(dir.join(".env"), "SECRET=1\n").unwrap();
    fs::write(dir.join("support/_collection.yaml"), "title: Support\n").unwrap();
    fs::write(dir.join("support/pic.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    fs::create_dir_all(dir.join("templates/cards")).unwrap();
    fs::write(
        dir.join("templates/cards/faq.md"),
        "---\ntemplate:\n  name: FAQ\n---\n",
    )
    .unwrap();
    let outside = dir.parent().unwrap().join("outside.png");
    fs::write(&outside, b"secret").unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("leak.png")).unwrap();

    let targets: Vec<&str> = CARDS
        .iter()
        .map(|(p, _)| *p)
        .chain(OTHERS.iter().copied())
        .collect();
    for (path, status) in CARDS {
        let file = dir.join(path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        let Some(status) = status else {
            fs::write(&file, "---\ntitle: [unclosed\n").unwrap();
            continue;
        };
        let mut body = String::from("## Alpha\n\nText.\n\n## Beta\n\nMore.\n\n");
        for n in 0..6 {
            let to = *rng.pick(&targets);
            let anchor = rng.pick(ANCHORS);
            let dest = format!("{}{anchor}", relative(path, to));
            match rng.next() % 4 {
                0 => body.push_str(&format!("![image {n}]({dest})\n\n")),
                1 => body.push_str(&format!("<p><a href=\"{dest}\">raw {n}</a></p>\n\n")),
                _ => body.push_str(&format!("[link {n}](<{dest}>)\n\n")),
            }
        }
        body.push_str("[self](#alpha) [missing self](#gamma)\n");
        fs::write(
            &file,
            format!(
                "---\ntitle: {path}\nowners: [ana]\nverified: 2026-11-01\nverified_by: ana\nstatus: {status}\n---\n{body}"
            ),
        )
        .unwrap();
    }
}

fn vouch(args: &[&str], root: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(args)
        .arg(root)
        .args(["--today", "2026-11-25", "--format", "json"])
        .env_remove("GITHUB_ACTIONS")
        .env("GIT_CEILING_DIRECTORIES", root.parent().unwrap())
        .output()
        .expect("vouch runs")
}

fn check_seed(seed: u64) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    generate(&root, seed);
    let checked = vouch(&["check"], &root);
    let report: serde_json::Value = serde_json::from_slice(&checked.stdout)
        .unwrap_or_else(|e| panic!("seed {seed}: check --format json: {e}"));
    let site = tmp.path().join("site");
    let built = vouch(&["build", "-o", site.to_str().unwrap()], &root);
    assert!(
        site.join("index.html").is_file(),
        "seed {seed}: {}",
        String::from_utf8_lossy(&built.stderr)
    );

    // Link diagnostics by card file (paths as check prints them).
    let mut reported: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let code = d["code"].as_str().unwrap();
        if matches!(
            code,
            "broken-link" | "broken-anchor" | "unpublished-link" | "unsafe-asset"
        ) {
            let file = d["file"].as_str().unwrap().to_owned();
            reported
                .entry(file)
                .or_default()
                .push(d["message"].as_str().unwrap().to_owned());
        }
    }
    // Which card each page is: the one whose text the site publishes beside it.
    let card_of_page = |page: &str| -> Option<String> {
        let dir = page.strip_suffix("index.html")?.trim_end_matches('/');
        CARDS
            .iter()
            .map(|(p, _)| *p)
            .filter(|p| {
                let id = p.trim_end_matches(".md").trim_end_matches(".html");
                id == dir || id.strip_suffix("/index") == Some(dir)
            })
            .find(|p| {
                let id = p.trim_end_matches(".md").trim_end_matches(".html");
                let raw = fs::read(site.join(format!("{id}.md"))).ok();
                raw.is_some() && raw == fs::read(root.join(p)).ok()
            })
            .map(|p| p.to_owned())
    };
    let mut dead_by_card: BTreeMap<String, Vec<&Dead>> = BTreeMap::new();
    let dead = crawl(&site);
    for d in &dead {
        let card = card_of_page(&d.page)
            .unwrap_or_else(|| panic!("seed {seed}: a page of vouch's own has a dead link: {d:?}"));
        dead_by_card.entry(card).or_default().push(d);
    }
    for (card, links) in &dead_by_card {
        let file = root.join(card).to_string_lossy().into_owned();
        let messages = reported.get(&file).cloned().unwrap_or_default();
        let hrefs: BTreeSet<&str> = links.iter().map(|d| d.href.as_str()).collect();
        assert!(
            hrefs.len() <= messages.len(),
            "seed {seed}: {card} has dead links {hrefs:?} but check reported only {messages:#?}"
        );
        for href in hrefs {
            // A link left as written is named in its diagnostic.
            let as_written = fs::read_to_string(root.join(card)).unwrap().contains(href);
            assert!(
                !as_written || messages.iter().any(|m| m.contains(&format!("`{href}`"))),
                "seed {seed}: {card}: dead link `{href}` was not reported; check said {messages:#?}"
            );
        }
    }

    // Collections named like the site's pages are published, and the
    // site's own pages still work.
    for page in [
        "search/indexing/",
        "owners/rota/",
        "tags/labels/",
        "freshness/policy/",
        "assets/uploads/",
        "search/",
        "owners/",
    ] {
        assert!(
            site.join(page).join("index.html").is_file(),
            "seed {seed}: {page} is missing"
        );
    }
    for page in ["_/search/", "_/owners/", "_/tags/", "_/freshness/"] {
        assert!(
            site.join(page).join("index.html").is_file(),
            "seed {seed}: {page} is missing"
        );
    }
    assert!(site.join(".nojekyll").is_file());
    // Nothing private was published.
    for private in [
        ".env",
        "owners.yaml",
        "vouch.yaml",
        "support/_collection.yaml",
        "leak.png",
        "templates",
    ] {
        assert!(
            !site.join(private).exists(),
            "seed {seed}: {private} was published"
        );
    }
}

#[test]
fn every_dead_link_on_the_site_is_a_check_diagnostic() {
    for seed in 1..=12u64 {
        check_seed(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    }
}

/// A card whose page is a folder's address lists that folder's cards when
/// the folder holds some (`c/x.md` beside `c/x/`), and lists nothing when
/// it holds none (`c/lone.md`).
#[test]
fn a_card_beside_its_folder_is_that_folders_page() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    fs::create_dir_all(&root).unwrap();
    fs::write(root.join("vouch.yaml"), "").unwrap();
    for rel in ["c/x.md", "c/x/y.md", "c/x/deep/z.md", "c/lone.md"] {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(
            path,
            format!(
                "---\ntitle: T {rel}\nowners: [ana]\nverified: 2026-11-01\n---\nbody of {rel}\n"
            ),
        )
        .unwrap();
    }
    let site = tmp.path().join("site");
    let out = vouch(&["build", "-o", site.to_str().unwrap()], &root);
    assert_exit(&out, 0);
    let x = fs::read_to_string(site.join("c/x/index.html")).unwrap();
    assert!(x.contains("body of c/x.md"), "{x}");
    assert!(x.contains("class=\"listing\""), "{x}");
    assert!(x.contains("<p>3 cards ·"), "{x}");
    assert!(x.contains("href=\"../../c/x/deep/\""), "{x}");
    let lone = fs::read_to_string(site.join("c/lone/index.html")).unwrap();
    assert!(lone.contains("body of c/lone.md"), "{lone}");
    assert!(!lone.contains("class=\"listing\""), "{lone}");
    assert!(crawl(&site).is_empty(), "{:?}", crawl(&site));
}

#[test]
fn folder_links_and_index_cards_lead_to_their_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    let card = |rel: &str, body: &str| {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(
            path,
            format!("---\ntitle: {rel}\nowners: [ana]\nverified: 2026-11-01\n---\n{body}"),
        )
        .unwrap();
    };
    fs::create_dir_all(&root).unwrap();
    fs::write(root.join("vouch.yaml"), "").unwrap();
    card(
        "support/index.md",
        "## Start here\n\nThe support handbook.\n",
    );
    card("support/refunds/index.md", "## Policy\n");
    card(
        "support/refunds/annual.md",
        "[up](./#policy) [collection](../#start-here) [home](../../)\n",
    );
    card(
        "guides/a.md",
        "[support](../support/) [refunds](../support/refunds/#policy) [file](../support/refunds/index.md)\n",
    );
    let site = tmp.path().join("site");
    let out = vouch(&["build", "-o", site.to_str().unwrap()], &root);
    assert_exit(&out, 0);
    // The index cards are their folders' pages; the collection page lists the cards.
    let support = fs::read_to_string(site.join("support/index.html")).unwrap();
    assert!(support.contains("The support handbook."));
    assert!(
        support.contains("href=\"../support/refunds/annual/\""),
        "{support}"
    );
    assert!(!site.join("support/index/index.html").exists());
    let guide = fs::read_to_string(site.join("guides/a/index.html")).unwrap();
    for href in ["../../support/", "../../support/refunds/#policy"] {
        assert!(
            guide.contains(&format!("href=\"{href}\"")),
            "{href} in {guide}"
        );
    }
    assert!(crawl(&site).is_empty(), "{:?}", crawl(&site));
}

/// A tech-docs-gem page is due on its review date in every output: `check`
/// (as the gem's banner says, "expired on"), the page, `cards.json`, the
/// report and `llms.txt` name the same day.
#[test]
fn a_tech_docs_page_names_one_due_date_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("manual");
    fs::create_dir_all(repo.join("config")).unwrap();
    fs::create_dir_all(repo.join("source")).unwrap();
    fs::write(
        repo.join("config/tech-docs.yml"),
        "service_name: Manual\nhost: https://manual.example\n",
    )
    .unwrap();
    fs::write(
        repo.join("source/runbook.html.md"),
        "---\ntitle: Runbook\nowner_slack: \"#team\"\nlast_reviewed_on: 2024-12-09\nreview_in: 6 months\n---\nSteps.\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vouch"))
            .args(args)
            .arg(&repo)
            .args(["--today", "2025-06-20"])
            .env("GIT_CEILING_DIRECTORIES", tmp.path())
            .output()
            .unwrap()
    };
    // The gem: reviewed 2024-12-09, review in 6 months: expired on 2025-06-09.
    let checked = String::from_utf8_lossy(&run(&["check", "--color", "never"]).stdout).into_owned();
    assert!(
        checked.contains("review expired on 2025-06-09, 11 days ago"),
        "{checked}"
    );
    let site = tmp.path().join("site");
    run(&["build", "-o", site.to_str().unwrap()]);
    let page = fs::read_to_string(site.join("runbook/index.html")).unwrap();
    assert!(
        page.contains(
            r#"<time datetime="2025-06-09" data-vouch-due="2025-06-09">due 11 days ago</time>"#
        ),
        "{page}"
    );
    let cards: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(site.join("cards.json")).unwrap()).unwrap();
    let runbook = cards["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "runbook")
        .unwrap();
    assert_eq!(runbook["due"], "2025-06-09");
    assert_eq!(runbook["state"], "stale");
    let llms = fs::read_to_string(site.join("llms.txt")).unwrap();
    assert!(llms.contains("due 2025-06-09"), "{llms}");
    let report = String::from_utf8_lossy(&run(&["report", "--format", "json"]).stdout).into_owned();
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["owners"][0]["cards"][0]["due"], "2025-06-09");
    assert_eq!(report["owners"][0]["cards"][0]["days"], -11);
    // The badge's clock still turns stale the day after the last day the
    // review holds: the day before the review date; its expiring window is
    // counted back from the review date, 14 days as for any card.
    assert!(page.contains(r#"data-due="2025-06-08""#), "{page}");
    assert!(
        page.contains(r#"data-expiring-from="2025-05-26""#),
        "{page}"
    );
    for (today, expiring) in [("2025-05-25", false), ("2025-05-26", true)] {
        let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
            .args(["check", "--color", "never"])
            .arg(&repo)
            .args(["--today", today])
            .env("GIT_CEILING_DIRECTORIES", tmp.path())
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            said.contains("review is due by 2025-06-09, in 14 days"),
            expiring,
            "{today}: {said}"
        );
        assert_eq!(
            said.contains("warning[expiring]"),
            expiring,
            "{today}: {said}"
        );
    }
}
