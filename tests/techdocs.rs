//! A tech-docs-gem repository as the gem sees it, through the binary: a
//! repository written for this test (config/tech-docs.yml, `source/` with
//! ERB pages, partials, images, Redcarpet forms, the gem's dates and review
//! rule), checked and built. Each class of page asserts its page, where its
//! links lead and its diagnostic; then every dead link of the built site
//! must be one `check` reported.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::crawl::crawl;

fn write(root: &Path, rel: &str, text: &str) {
    write_bytes(root, rel, text.as_bytes());
}

fn write_bytes(root: &Path, rel: &str, text: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A page's front matter under review: reviewed on `day`, every `every`.
fn reviewed(title: &str, day: &str, every: &str, owner: &str) -> String {
    format!(
        "---\ntitle: {title}\nlast_reviewed_on: {day}\nreview_in: {every}\nowner_slack: \"{owner}\"\n---\n"
    )
}

fn repository(repo: &Path) {
    write(
        repo,
        "config/tech-docs.yml",
        "service_name: Team Manual\nhost: https://manual.example.gov.uk\nowner_slack_workspace: acme\ndefault_owner_slack: \"#team-x\"\n",
    );
    write_bytes(repo, "source/images/diagram.png", b"\x89PNG\r\n\x1a\n");
    write_bytes(repo, "source/images/raw.png", b"\x89PNG\r\n\x1a\n");
    write(
        repo,
        "source/partials/_links.md",
        "See [y from the partial](/y.html).\n",
    );
    write(
        repo,
        "source/index.html.md.erb",
        &format!(
            "{}# <%= current_page.data.title %>\n\nStart at [x](/x/).\n",
            reviewed("Team Manual home", "2026-11-01", "6 months", "#team-x")
        ),
    );
    // 1, 2: a folder's index page, run through ERB.
    write(
        repo,
        "source/x/index.html.md.erb",
        &format!(
            "{}# <%= current_page.data.title %>\n\n<%= warning_text(\"Do not run this in production\") %>\n\n<%= image_tag \"diagram.png\", alt: \"A diagram\" %>\n\n<%= partial \"partials/links\" %>\n\n<%= some_helper(1) %>\n\n<% items.each do |item| %>\n* <%= item %>\n<% end %>\n\n## Setup\n\nSteps.\n",
            reviewed("X things", "2026-11-01", "6 months", "#team-x")
        ),
    );
    // 3, 4, 5, 11: Redcarpet forms, an email, raw HTML, extension-less and
    // above-the-root links.
    write(
        repo,
        "source/y.html.md",
        &format!(
            "{}# Y\n\n##Gem heading\n\nBack to [the\nfolder] \n(/x/) and [its setup](/x/#setup), [z](/z), [w](w.html).\n\nMail <help@example.com>.\n\n<img src=\"/images/raw.png\" alt=\"raw\"> <img src=\"/images/missing.png\" alt=\"gone\"> <a href=\"/nope.html\">nope</a>\n",
            reviewed("Y", "2026-11-01", "6 months", "#Team-X")
        ),
    );
    write(
        repo,
        "source/x/deep.html.md",
        &format!(
            "{}Up past the top: [y](../../y.html).\n",
            reviewed("Deep", "2026-11-01", "6 months", "#team-x")
        ),
    );
    // 6: not under review.
    write(
        repo,
        "source/z.html.md",
        "---\ntitle: Not reviewed\n---\nJust a page.\n",
    );
    // `apps.html.md` beside `apps/`: the folder's page.
    write(
        repo,
        "source/apps.html.md",
        &format!(
            "{}# Apps\n\nEvery app.\n",
            reviewed("Apps", "2026-11-01", "6 months", "#team-x")
        ),
    );
    write(
        repo,
        "source/apps/one.html.md",
        &format!(
            "{}Back to [apps](/apps.html).\n",
            reviewed("One app", "2026-11-01", "6 months", "#team-x")
        ),
    );
    // A page without front matter: the gem builds it, not under review.
    write(repo, "source/plain.md.erb", "# Plain\n\nNo front matter.\n");
    // 7: a date the gem reads; 8: due on the review date.
    write(
        repo,
        "source/dates.html.md",
        &format!(
            "{}Old.\n",
            reviewed("Dates", "\"2026-1-05\"", "3 months", "#team-x")
        ),
    );
    write(
        repo,
        "source/due.html.md",
        &format!(
            "{}Due today.\n",
            reviewed("Due", "2026-08-25", "3 months", "#team-x")
        ),
    );
    // 11: `*.html.erb.md`, and nested table-of-contents entries under one H1.
    write(
        repo,
        "source/w.html.erb.md",
        &format!(
            "{}# W\n\n## A\n\n### A1\n\n### A2\n\n## B\n\n# A later H1\n",
            reviewed("W", "2026-11-01", "6 months", "#team-x")
        ),
    );
}

fn vouch(repo: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .current_dir(repo)
        .args(args)
        .args(["--today", "2026-11-25"])
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env("GIT_CEILING_DIRECTORIES", repo.parent().unwrap())
        .output()
        .expect("vouch runs")
}

/// (code, file, line) → messages, from `check --format json`.
fn diagnostics(out: &Output) -> BTreeMap<(String, String, u64), Vec<String>> {
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let mut found: BTreeMap<_, Vec<String>> = BTreeMap::new();
    for d in doc["diagnostics"].as_array().unwrap() {
        let key = (
            d["code"].as_str().unwrap().to_owned(),
            d["file"].as_str().unwrap().to_owned(),
            d["line"].as_u64().unwrap(),
        );
        found
            .entry(key)
            .or_default()
            .push(d["message"].as_str().unwrap().to_owned());
    }
    found
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_tech_docs_repository_is_checked_and_built_as_the_gem_sees_it() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("manual");
    repository(&repo);
    let checked = vouch(&repo, &["check", "--format", "json"]);
    let found = diagnostics(&checked);
    let has = |code: &str, file: &str, line: u64, words: &str| {
        let key = (code.to_owned(), format!("source/{file}"), line);
        let messages = found
            .get(&key)
            .unwrap_or_else(|| panic!("no {key:?} among {found:#?}"));
        assert!(
            messages.iter().any(|m| m.contains(words)),
            "{key:?}: {messages:?}"
        );
    };
    // 2: ERB the gem's helpers do not cover is dropped, said at its line.
    has(
        "unsupported-erb",
        "x/index.html.md.erb",
        15,
        "calls `some_helper`",
    );
    has(
        "unsupported-erb",
        "x/index.html.md.erb",
        17,
        "the block it opens",
    );
    // 3: Redcarpet's forms read as the gem reads them, with the portable form.
    has(
        "redcarpet-syntax",
        "y.html.md",
        9,
        "`##Gem heading` has no space",
    );
    has("redcarpet-syntax", "y.html.md", 12, "are apart");
    // 5: raw HTML links and images are checked like Markdown's.
    has(
        "broken-link",
        "y.html.md",
        17,
        "`/images/missing.png` does not exist",
    );
    has(
        "broken-link",
        "y.html.md",
        17,
        "`/nope.html` does not exist",
    );
    // 7, 8: the gem's date form, and expired on the review date itself.
    has("stale", "dates.html.md", 3, "review expired on 2026-04-05");
    has(
        "stale",
        "due.html.md",
        3,
        "review expired on 2026-11-25, today",
    );
    // 4, 6, 11: no false alarms.
    for (code, file, _) in found.keys() {
        assert!(
            !matches!(
                code.as_str(),
                "missing-field" | "invalid-date" | "duplicate-id"
            ) && (code != "broken-link" || file.ends_with("y.html.md")),
            "unexpected {code} in {file}: {found:#?}"
        );
    }
    let links: usize = found
        .iter()
        .filter(|((c, _, _), _)| c == "broken-link")
        .map(|(_, m)| m.len())
        .sum();
    assert_eq!(links, 2, "{found:#?}");
    // Exactly the two stale pages count; nothing else is expiring.
    let summary: serde_json::Value = serde_json::from_slice(&checked.stdout).unwrap();
    assert_eq!(summary["summary"]["stale"], 2);
    assert_eq!(summary["summary"]["expiring"], 0);

    let site = tmp.path().join("site");
    let built = vouch(&repo, &["build", "-o", site.to_str().unwrap(), "--quiet"]);
    assert!(
        site.join("index.html").is_file(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    // 1: the folder's index page is the folder's page.
    let x = read(&site.join("x/index.html"));
    assert!(!site.join("x/index/index.html").exists());
    // 2: the title, a warning callout, the image (copied), the partial.
    assert!(x.contains("<h1 id=\"x-things\">X things</h1>"), "{x}");
    assert!(!x.contains("&lt;%") && !x.contains("<%"), "{x}");
    assert!(
        x.contains("<div class=\"warning-text\"><strong>Warning:</strong> Do not run this in production</div>"),
        "{x}"
    );
    assert!(
        x.contains("<img src=\"../images/diagram.png\" alt=\"A diagram\">"),
        "{x}"
    );
    assert!(site.join("images/diagram.png").is_file());
    assert!(
        x.contains("<a href=\"../y/\" rel=\"noopener noreferrer\">y from the partial</a>"),
        "{x}"
    );
    // 3, 4, 5, 11: where y's links lead.
    let y = read(&site.join("y/index.html"));
    for written in [
        // A heading ends with its own link (sanitized, as the page has raw HTML).
        "<h2 id=\"gem-heading\">Gem heading <a class=\"heading-anchor\" href=\"#gem-heading\" rel=\"noopener noreferrer\">#</a></h2>",
        "<a href=\"../x/\" rel=\"noopener noreferrer\">the\nfolder</a>",
        "<a href=\"../x/#setup\" rel=\"noopener noreferrer\">its setup</a>",
        "<a href=\"../z/\" rel=\"noopener noreferrer\">z</a>",
        "<a href=\"../w/\" rel=\"noopener noreferrer\">w</a>",
        "<a href=\"mailto:help@example.com\" rel=\"noopener noreferrer\">help@example.com</a>",
        "<img src=\"../images/raw.png\" alt=\"raw\">",
    ] {
        assert!(y.contains(written), "{written} in {y}");
    }
    assert!(site.join("images/raw.png").is_file());
    let deep = read(&site.join("x/deep/index.html"));
    assert!(deep.contains("<a href=\"../../y/\""), "{deep}");
    // 1: a page beside its folder is the folder's page.
    let apps = read(&site.join("apps/index.html"));
    assert!(
        apps.contains("<h1 id=\"apps\">Apps</h1>") && apps.contains("One app"),
        "{apps}"
    );
    let one = read(&site.join("apps/one/index.html"));
    assert!(one.contains("<a href=\"../../apps/\""), "{one}");
    // 6: a page not under review says so in the gem's words.
    let plain = read(&site.join("plain/index.html"));
    assert!(
        plain.contains("<h1 id=\"plain\">Plain</h1>") && plain.contains(">Not reviewed</span>"),
        "{plain}"
    );
    let z = read(&site.join("z/index.html"));
    assert!(z.contains(">Not reviewed</span>"), "{z}");
    // 9: the gem's settings.
    assert!(
        z.contains("<title>Not reviewed · Team Manual</title>"),
        "{z}"
    );
    let sitemap = read(&site.join("sitemap.xml"));
    assert!(
        sitemap.contains("<loc>https://manual.example.gov.uk/y/</loc>"),
        "{sitemap}"
    );
    assert!(
        y.contains("https://acme.slack.com/app_redirect?channel=team-x"),
        "{y}"
    );
    // 10: one owner, two spellings: one page with every card.
    let owners: Vec<_> = fs::read_dir(site.join("_/owners"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.html")
        .collect();
    assert_eq!(owners, ["team-x"]);
    let team = read(&site.join("_/owners/team-x/index.html"));
    assert!(
        team.contains("../../../y/") && team.contains("../../../x/"),
        "{team}"
    );
    // 11: a nested table of contents, one H1 per page.
    let w = read(&site.join("w/index.html"));
    assert!(
        w.contains("<ol><li><a href=\"#a\">A</a><ul><li><a href=\"#a1\">A1</a></li><li><a href=\"#a2\">A2</a></li></ul></li><li><a href=\"#b\">B</a></li><li><a href=\"#a-later-h1\">A later H1</a></li></ol>"),
        "{w}"
    );
    assert!(
        w.contains(
            "<h2 id=\"a-later-h1\">A later H1 <a class=\"heading-anchor\" href=\"#a-later-h1\""
        ),
        "{w}"
    );
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let page = read(entry.path());
            assert_eq!(page.matches("<h1").count(), 1, "{}", entry.path().display());
        }
    }
    // check ⇔ build: each dead link is one check reported (by its words).
    let dead = crawl(&site);
    let hrefs: Vec<&str> = dead.iter().map(|d| d.href.as_str()).collect();
    assert_eq!(hrefs, ["/images/missing.png", "/nope.html"], "{dead:?}");

    // The opt-in policy: pages must carry review fields.
    write(&repo, "vouch.yaml", "verification:\n  required: true\n");
    let strict = diagnostics(&vouch(&repo, &["check", "--format", "json"]));
    assert!(
        strict.contains_key(&("missing-field".to_owned(), "source/z.html.md".to_owned(), 1)),
        "{strict:#?}"
    );
}
