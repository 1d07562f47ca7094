//! Card history from git, against real repositories made in temp folders with
//! commits at chosen dates: `changed-after-verification`, "last changed" on
//! card pages and in cards.json, renames, shallow clones, no repository.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn git_at(dir: &Path, date: &str, author: &str, args: &[&str]) {
    let stamp = format!("{date}T12:00:00+00:00");
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgSign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", author)
        .env("GIT_AUTHOR_EMAIL", "someone@example.com")
        .env("GIT_COMMITTER_NAME", author)
        .env("GIT_COMMITTER_EMAIL", "someone@example.com")
        .env("GIT_AUTHOR_DATE", &stamp)
        .env("GIT_COMMITTER_DATE", &stamp)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn commit(dir: &Path, date: &str, author: &str) {
    git_at(dir, date, author, &["add", "-A"]);
    git_at(
        dir,
        date,
        author,
        &["commit", "-qm", &format!("change on {date}")],
    );
}

fn vouch(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .current_dir(dir)
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("vouch runs")
}

fn card(title: &str, verified: &str, body: &str) -> String {
    format!("---\ntitle: {title}\nowners: [maria]\nverified: {verified}\n---\n{body}\n")
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A repository with a knowledge root under `kb/`, whose cards were all
/// added on 2026-01-10 (verified 2026-01-05) and then lived different lives.
fn repository() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git_at(dir, "2026-01-10", "Ann", &["init", "-q"]);
    write(
        dir,
        "kb/vouch.yaml",
        "title: Test\nrepo_url: https://github.com/acme/kb\nverification:\n  every: 1y\n",
    );
    for name in [
        "edited",
        "reformatted",
        "reverified",
        "moved",
        "moved-and-edited",
        "edited-on-the-day",
    ] {
        write(
            dir,
            &format!("kb/{name}.md"),
            &card(name, "2026-01-05", "The answer is 42.\nAsk #billing."),
        );
    }
    commit(dir, "2026-01-10", "Ann");

    // Content changes after verification, by Bob.
    write(
        dir,
        "kb/edited.md",
        &card("edited", "2026-01-05", "The answer is 43.\nAsk #billing."),
    );
    // Only layout changes.
    write(
        dir,
        "kb/reformatted.md",
        &card(
            "reformatted",
            "2026-01-05",
            "The answer  is 42.\n\nAsk #billing.  ",
        ),
    );
    // Only the verification moves: committed days after the day it names.
    write(
        dir,
        "kb/reverified.md",
        "---\ntitle: reverified\nowners: [maria]\nverified: 2026-02-01\nverified_by: maria\n---\nThe answer is 42.\nAsk #billing.\n",
    );
    commit(dir, "2026-02-03", "Bob");

    fs::create_dir(dir.join("kb/sub")).unwrap();
    git_at(
        dir,
        "2026-03-01",
        "Cy",
        &["mv", "kb/moved.md", "kb/sub/moved.md"],
    );
    git_at(
        dir,
        "2026-03-01",
        "Cy",
        &["mv", "kb/moved-and-edited.md", "kb/sub/moved-and-edited.md"],
    );
    write(
        dir,
        "kb/sub/moved-and-edited.md",
        &card(
            "moved-and-edited",
            "2026-01-05",
            "The answer is 42.\nAsk #billing.\nOr #support.",
        ),
    );
    commit(dir, "2026-03-01", "Cy");

    // Edited and re-verified the same day: not after verification.
    write(
        dir,
        "kb/edited-on-the-day.md",
        &card(
            "edited-on-the-day",
            "2026-04-01",
            "The answer is 44.\nAsk #billing.",
        ),
    );
    commit(dir, "2026-04-01", "Dee");
    tmp
}

fn warned(stdout: &str) -> Vec<String> {
    let mut files: Vec<String> = stdout
        .lines()
        .filter(|l| l.contains("title=changed-after-verification"))
        .map(|l| {
            let file = l.split("file=").nth(1).unwrap();
            file.split(',').next().unwrap().to_owned()
        })
        .collect();
    files.sort();
    files
}

#[test]
fn content_changed_after_verification_is_a_warning() {
    let tmp = repository();
    let out = vouch(
        tmp.path(),
        &["check", "kb", "--today", "2026-05-01", "--format", "github"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(
        warned(&stdout),
        ["kb/edited.md", "kb/sub/moved-and-edited.md"],
        "{stdout}"
    );
    let edited = stdout
        .lines()
        .find(|l| l.contains("file=kb/edited.md"))
        .unwrap();
    // The diagnostic points at the `verified` key (line 4) and names the change.
    assert!(
        edited.starts_with("::warning file=kb/edited.md,line=4,"),
        "{edited}"
    );
    assert!(
        edited.contains("changed on 2026-02-03")
            && edited.contains("by Bob")
            && edited.contains("verified on 2026-01-05"),
        "{edited}"
    );
    assert!(!stdout.contains("shallow"), "{stdout}");

    // --no-history skips the whole pass.
    let out = vouch(
        tmp.path(),
        &[
            "check",
            "kb",
            "--today",
            "2026-05-01",
            "--format",
            "github",
            "--no-history",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(warned(&stdout).is_empty(), "{stdout}");
}

#[test]
fn reverifying_clears_the_warning() {
    let tmp = repository();
    let dir = tmp.path();
    write(
        dir,
        "kb/edited.md",
        &card("edited", "2026-02-04", "The answer is 43.\nAsk #billing."),
    );
    write(
        dir,
        "kb/sub/moved-and-edited.md",
        &card(
            "moved-and-edited",
            "2026-03-02",
            "The answer is 42.\nAsk #billing.\nOr #support.",
        ),
    );
    commit(dir, "2026-03-05", "Maria");
    let out = vouch(
        dir,
        &["check", "kb", "--today", "2026-05-01", "--format", "github"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(warned(&stdout).is_empty(), "{stdout}");
}

#[test]
fn pages_and_cards_json_say_when_and_by_whom() {
    let tmp = repository();
    let dir = tmp.path();
    let out = vouch(
        dir,
        &[
            "build",
            "kb",
            "-o",
            "site",
            "--today",
            "2026-05-01",
            "--quiet",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let page = fs::read_to_string(dir.join("site/edited/index.html")).unwrap();
    let line = page
        .lines()
        .find(|l| l.contains("Last changed on"))
        .expect("the card page says when it last changed");
    assert!(
        line.contains(r#"<time datetime="2026-02-03">February 3, 2026</time></a> by Bob"#),
        "{line}"
    );
    assert!(
        line.contains("href=\"https://github.com/acme/kb/commit/"),
        "{line}"
    );
    assert!(
        line.contains("href=\"https://github.com/acme/kb/commits/main/kb/edited.md\""),
        "{line}"
    );

    let json = fs::read_to_string(dir.join("site/cards.json")).unwrap();
    let field = |id: &str, key: &str| -> String {
        let line = json
            .lines()
            .find(|l| l.contains(&format!("\"id\":\"{id}\"")))
            .unwrap();
        let value: serde_json::Value = serde_json::from_str(line.trim_end_matches(',')).unwrap();
        value[key].to_string()
    };
    assert_eq!(field("edited", "last_changed"), "\"2026-02-03\"");
    assert_eq!(field("edited", "last_changed_by"), "\"Bob\"");
    // A pure move is not a change: the last change is still the first commit,
    // found under the card's old name.
    assert_eq!(field("sub/moved", "last_changed"), "\"2026-01-10\"");
    assert_eq!(field("sub/moved", "last_changed_by"), "\"Ann\"");
    assert_eq!(field("sub/moved-and-edited", "last_changed_by"), "\"Cy\"");
    assert_eq!(field("reverified", "last_changed_by"), "\"Bob\"");
}

#[test]
fn a_shallow_clone_is_reported_once_and_history_is_off() {
    let tmp = repository();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", tmp.path().display());
    git_at(
        clone.path(),
        "2026-05-01",
        "Ann",
        &["clone", "-q", "--depth", "1", &url, "c"],
    );
    let dir = clone.path().join("c");
    let out = vouch(&dir, &["check", "kb", "--today", "2026-05-01"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("shallow clone").count(), 1, "{stdout}");
    assert!(stdout.contains("fetch-depth: 0"), "{stdout}");
    assert!(
        !stdout.contains("warning[changed-after-verification]"),
        "{stdout}"
    );

    let out = vouch(
        &dir,
        &["check", "kb", "--today", "2026-05-01", "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["notes"].as_array().unwrap().len(), 1);
}

#[test]
fn outside_git_history_is_quietly_off() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "kb/vouch.yaml", "title: Test\n");
    write(dir, "kb/a.md", &card("a", "2026-01-05", "Text."));
    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .current_dir(dir)
        .args(["build", "kb", "-o", "site", "--today", "2026-02-01"])
        .env("GIT_CEILING_DIRECTORIES", dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        !stdout.contains("git") && !stderr.contains("git"),
        "{stdout}{stderr}"
    );
    let page = fs::read_to_string(dir.join("site/a/index.html")).unwrap();
    assert!(!page.contains("Last changed"));
    let json = fs::read_to_string(dir.join("site/cards.json")).unwrap();
    assert!(json.contains("\"last_changed\":null"), "{json}");
}
