//! Every output another program reads gets card text only as text: a title,
//! a name or a file name from a pull request cannot add a CODEOWNERS rule,
//! ping a Slack channel or a GitHub team, end a Markdown table, drive the
//! terminal, or take an id the page's own scripts use. Through the real
//! binary, on roots written here.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

mod common;

fn vouch(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .current_dir(dir)
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .output()
        .unwrap()
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const HOSTILE_TITLE: &str =
    "<!channel> <https://evil.example|Verify here> a | b](https://evil.example) @acme/admins #12";

/// A root with one stale card whose title is hostile, owned by `ana`.
fn stale_root() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let kb = tmp.path().join("kb");
    fs::create_dir_all(kb.join("support")).unwrap();
    fs::write(kb.join("vouch.yaml"), "title: KB\n").unwrap();
    fs::write(
        kb.join("owners.yaml"),
        "people:\n  ana:\n    name: Ana\n    github: ana-s\n    slack: \"@ana\"\n",
    )
    .unwrap();
    fs::write(
        kb.join("support/refunds.md"),
        format!(
            "---\ntitle: {}\nowners: [ana]\nverified: 2025-01-01\n---\nRefunds.\n",
            serde_json::to_string(HOSTILE_TITLE).unwrap()
        ),
    )
    .unwrap();
    tmp
}

fn report(tmp: &Path, format: &str) -> String {
    let out = vouch(
        tmp,
        &["report", "kb", "--format", format, "--today", "2026-11-25"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn slack_lines_cannot_ping_a_channel_or_disguise_a_link() {
    let tmp = stale_root();
    let text = report(tmp.path(), "slack");
    let line: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let mrkdwn = line["text"].as_str().unwrap();
    assert!(mrkdwn.contains("&lt;!channel&gt;"), "{mrkdwn}");
    for raw in ["<!channel>", "<https://evil", "<!here>"] {
        assert!(!mrkdwn.contains(raw), "{raw} passes into Slack: {mrkdwn}");
    }
}

#[test]
fn markdown_and_issue_bodies_keep_titles_inside_their_cell_and_silent() {
    let tmp = stale_root();
    let markdown = report(tmp.path(), "markdown");
    let row = markdown
        .lines()
        .find(|l| l.starts_with("| [") && l.contains("channel"))
        .unwrap_or_else(|| panic!("no row: {markdown}"));
    // Five unescaped bars: the row's four cells, however the title reads.
    let bars = row
        .char_indices()
        .filter(|&(i, c)| c == '|' && !row[..i].ends_with('\\'))
        .count();
    assert_eq!(bars, 5, "{row}");
    assert!(!row.contains("](https://evil"), "{row}");

    let issues: serde_json::Value =
        serde_json::from_str(&report(tmp.path(), "github-issues")).unwrap();
    let body = issues["open"][0]["body"].as_str().unwrap();
    assert!(
        body.contains("@ana-s"),
        "the owner is still mentioned: {body}"
    );
    for ping in ["@acme/admins", "#12", "<!channel>"] {
        assert!(!body.contains(ping), "{ping} in the issue body: {body}");
    }
}

/// A git repository holding the root `kb/` (with `support/`) and `owners`
/// as its `owners.yaml`: the temp folder and the repository's top.
fn repository(owners: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("repo");
    let kb = top.join("kb");
    fs::create_dir_all(kb.join("support")).unwrap();
    common::git_isolated(&top, &["init", "-q"]);
    fs::write(kb.join("vouch.yaml"), "title: KB\n").unwrap();
    fs::write(kb.join("owners.yaml"), owners).unwrap();
    (tmp, top)
}

#[test]
fn codeowners_gets_no_line_from_a_file_name_or_a_handle() {
    let (_tmp, top) = repository(
        "people:\n  ana:\n    github: ana-s\n  eve:\n    github: \"eve\\n* @mallory\"\n",
    );
    let kb = top.join("kb");
    let card = "---\ntitle: A\nowners: [ana]\nverified: 2026-11-01\n---\nA.\n";
    fs::write(kb.join("support/ok.md"), card).unwrap();
    fs::write(kb.join("support/x\n* @mallory.md"), card).unwrap();
    fs::write(kb.join("support/*.md"), card).unwrap();
    fs::write(kb.join("support/eve.md"), card.replace("[ana]", "[eve]")).unwrap();

    let checked = vouch(
        &top,
        &["check", "kb", "--today", "2026-11-25", "--color", "never"],
    );
    let text = said(&checked);
    assert!(
        text.contains("invalid-registry") && text.contains("is not a GitHub login"),
        "{text}"
    );

    let out = vouch(&top, &["codeowners", "kb"]);
    let text = said(&out);
    assert!(text.contains("left out of CODEOWNERS"), "{text}");
    let written = fs::read_to_string(top.join(".github/CODEOWNERS")).unwrap();
    for line in written
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        assert!(
            line.starts_with("/kb/support/ok.md ") && !line.contains("mallory"),
            "a rule vouch did not mean: {line:?}\n{written}"
        );
    }
    assert!(written.contains("/kb/support/ok.md @ana-s"), "{written}");
}

#[test]
fn the_terminal_gets_file_names_and_titles_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let kb = tmp.path().join("kb");
    fs::create_dir_all(kb.join("support")).unwrap();
    fs::write(kb.join("vouch.yaml"), "title: KB\n").unwrap();
    // Clear the screen, and write the clipboard through OSC 52.
    let name = "support/a\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}.md";
    fs::write(
        kb.join(name),
        "---\ntitle: A\nverified: 2026-13-45\n---\nA.\n",
    )
    .unwrap();
    for format in ["human", "github"] {
        let out = vouch(
            tmp.path(),
            &[
                "check",
                "kb",
                "--format",
                format,
                "--color",
                "never",
                "--today",
                "2026-11-25",
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{}", said(&out));
        let bytes = [out.stdout, out.stderr].concat();
        assert!(
            !bytes.contains(&0x1b) && !bytes.contains(&0x07),
            "{format}: escape sequences reach the terminal: {}",
            String::from_utf8_lossy(&bytes)
        );
        assert!(
            String::from_utf8_lossy(&bytes).contains("a␛[2J"),
            "{format}"
        );
    }
}

#[test]
fn headings_never_take_the_page_chromes_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let kb = tmp.path().join("kb");
    fs::create_dir_all(kb.join("support")).unwrap();
    fs::write(kb.join("vouch.yaml"), "title: KB\n").unwrap();
    fs::write(
        kb.join("support/a.md"),
        "---\ntitle: A\nowners: [ana]\nverified: 2026-11-01\n---\n## Site search q\n\nx\n\n## Main\n\ny\n\nSee [main](#main-1).\n",
    )
    .unwrap();
    let site = tmp.path().join("site");
    let out = vouch(
        tmp.path(),
        &[
            "build",
            "kb",
            "-o",
            site.to_str().unwrap(),
            "--today",
            "2026-11-25",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let page = fs::read_to_string(site.join("support/a/index.html")).unwrap();
    for id in vouch::markdown::PAGE_IDS {
        assert!(
            page.matches(&format!("id=\"{id}\"")).count() <= 1,
            "`{id}` twice on the page"
        );
    }
    assert!(page.contains("id=\"site-search-q-1\"") && page.contains("id=\"main-1\""));
}

#[test]
fn every_id_the_site_gives_its_own_elements_is_reserved() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/site");
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        for marker in ["id=\"", ".id = \"", "getElementById(\""] {
            for (i, _) in text.match_indices(marker) {
                let rest = &text[i + marker.len()..];
                let id: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                if id.is_empty() || rest.starts_with("{{") {
                    continue;
                }
                assert!(
                    vouch::markdown::PAGE_IDS.contains(&id.as_str()),
                    "{}: `{id}` is not in markdown::PAGE_IDS",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn codeowners_routes_a_shown_file_to_the_owners_of_the_cards_showing_it() {
    let (_tmp, top) = repository("people:\n  ana:\n    github: ana-s\n  bo:\n    github: bo-t\n");
    let kb = top.join("kb");
    fs::write(kb.join("support/_collection.yaml"), "title: Support\n").unwrap();
    fs::write(kb.join("support/flow.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    for (name, owner) in [("a", "ana"), ("b", "bo")] {
        fs::write(
            kb.join(format!("support/{name}.md")),
            format!("---\ntitle: {name}\nowners: [{owner}]\nverified: 2026-11-01\n---\n![flow](flow.png)\n"),
        )
        .unwrap();
    }
    let out = vouch(&top, &["codeowners", "kb"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let written = fs::read_to_string(top.join(".github/CODEOWNERS")).unwrap();
    for rule in [
        "/kb/support/a.md @ana-s",
        "/kb/support/b.md @bo-t",
        "/kb/support/flow.png @ana-s @bo-t",
        "/kb/support/_collection.yaml @ana-s @bo-t",
    ] {
        assert!(
            written.lines().any(|l| l == rule),
            "no `{rule}` in:\n{written}"
        );
    }
}
