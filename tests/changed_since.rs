//! `vouch check --changed-since REF` against real git repositories made in temp
//! folders: a branch edits cards, and only edits that moved `verified` forward
//! (with a verifier) pass.

mod common;

use common::assert_exit;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

fn vouch(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .current_dir(dir)
        .args(["check", "kb", "--today", "2026-11-25", "--format", "github"])
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("vouch runs")
}

fn card(title: &str, verified: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\nowners: [billing]\nverified: {verified}\nverified_by: maria\n---\n{body}\n"
    )
}

fn write_card(dir: &Path, name: &str, verified: &str, body: &str) {
    fs::write(
        dir.join(format!("kb/support/{name}.md")),
        card(name, verified, body),
    )
    .unwrap();
}

/// A repository whose `main` holds a knowledge root under `kb/`, and a branch
/// `change` checked out on top of it.
fn repository() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q"]);
    fs::create_dir_all(dir.join("kb/support")).unwrap();
    fs::write(dir.join("kb/vouch.yaml"), "title: Test\n").unwrap();
    fs::write(
        dir.join("kb/owners.yaml"),
        "people:\n  maria: {}\nteams:\n  billing:\n    members: [maria]\n",
    )
    .unwrap();
    for name in ["edited", "reverified", "untouched", "backdated", "moved"] {
        write_card(dir, name, "2026-11-01", "Old text.");
    }
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "main"]);
    git(dir, &["checkout", "-qb", "change"]);
    tmp
}

#[test]
fn changed_cards_must_be_reverified() {
    let tmp = repository();
    let dir = tmp.path();
    // Main moves on after the branch: its changes are not the branch's.
    git(dir, &["checkout", "-q", "main"]);
    write_card(dir, "untouched", "2026-11-01", "Changed on main.");
    git(dir, &["commit", "-qam", "main moves on"]);
    git(dir, &["checkout", "-q", "change"]);

    write_card(dir, "edited", "2026-11-01", "New text.");
    write_card(dir, "reverified", "2026-11-20", "New text.");
    write_card(dir, "backdated", "2026-10-01", "New text.");
    write_card(dir, "added", "2026-11-20", "A new card.");
    // A card moved as it is carries its verification with it; a card moved
    // and edited is a change like any other, and its move cannot hide it.
    fs::create_dir_all(dir.join("kb/archive")).unwrap();
    git(dir, &["mv", "kb/support/moved.md", "kb/archive/moved.md"]);
    git(
        dir,
        &["mv", "kb/support/untouched.md", "kb/archive/untouched.md"],
    );
    fs::write(
        dir.join("kb/archive/untouched.md"),
        card("untouched", "2026-11-01", "Moved and edited."),
    )
    .unwrap();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "edit cards"]);
    // An uncommitted edit counts too.
    write_card(dir, "draft-edit", "2026-11-01", "Not committed.");

    let output = vouch(dir, &["--changed-since", "main"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let flagged: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("title=unverified-change"))
        .map(|l| l.split("file=").nth(1).unwrap().split(',').next().unwrap())
        .collect();
    // `draft-edit.md` is untracked and new: a new card with a date is verified.
    assert_eq!(
        flagged,
        [
            "kb/archive/untouched.md",
            "kb/support/backdated.md",
            "kb/support/edited.md"
        ],
        "{stdout}"
    );
    assert!(
        stdout.contains("line=4,col=11"),
        "points at the verified value: {stdout}"
    );

    // Without the flag the same tree is clean.
    assert_eq!(vouch(dir, &[]).status.code(), Some(0));
}

#[test]
fn unknown_references_and_missing_repositories_are_usage_errors() {
    let tmp = repository();
    let output = vouch(tmp.path(), &["--changed-since", "no-such-branch"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no-such-branch"));

    let plain = tempfile::tempdir().unwrap();
    fs::create_dir_all(plain.path().join("kb")).unwrap();
    fs::write(plain.path().join("kb/vouch.yaml"), "").unwrap();
    let output = vouch(plain.path(), &["--changed-since", "main"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not inside a git repository"));
}

#[test]
fn a_shallow_clone_says_how_to_get_the_history() {
    let origin = repository();
    let dir = origin.path();
    write_card(dir, "edited", "2026-11-01", "New text.");
    git(dir, &["commit", "-qam", "edit on the branch"]);
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.display());
    git(
        clones.path(),
        &[
            "clone", "-q", "--depth", "1", "--branch", "change", &url, "shallow",
        ],
    );
    let shallow = clones.path().join("shallow");
    git(
        &shallow,
        &["fetch", "-q", "--depth", "1", "origin", "main:main"],
    );
    let output = vouch(&shallow, &["--changed-since", "main"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("shallow clone") && stderr.contains("fetch-depth: 0"),
        "{stderr}"
    );
}

#[test]
fn a_pull_request_fails_on_its_own_cards_not_on_staleness_elsewhere() {
    let tmp = repository();
    let dir = tmp.path();
    // A card that went stale on main long ago, untouched by the branch.
    git(dir, &["checkout", "-q", "main"]);
    write_card(dir, "ancient", "2020-01-01", "Stale for years.");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "an old card"]);
    git(dir, &["checkout", "-q", "change"]);
    git(dir, &["merge", "-q", "main"]);
    write_card(dir, "added", "2026-11-20", "A new, verified card.");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "add a card"]);

    // The default gate: the old stale card is a warning in this pull request...
    let output = vouch(dir, &["--changed-since", "main"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("::warning file=kb/support/ancient.md"),
        "{stdout}"
    );
    // ...and an error for the scheduled check, which runs without a range.
    let output = vouch(dir, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("::error file=kb/support/ancient.md"));

    // A pull request that touches the stale card fails on it.
    write_card(dir, "ancient", "2020-01-01", "Edited, not re-verified.");
    git(dir, &["commit", "-qam", "edit the old card"]);
    let output = vouch(dir, &["--changed-since", "main"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout
            .contains("::error file=kb/support/ancient.md,line=4,col=11,endColumn=20,title=stale"),
        "{stdout}"
    );
    assert!(stdout.contains("title=unverified-change"), "{stdout}");

    // `gate: all` keeps every stale card failing every pull request.
    git(dir, &["checkout", "-q", "kb/support/ancient.md"]);
    git(dir, &["reset", "-q", "--hard", "HEAD~1"]);
    fs::write(
        dir.join("kb/vouch.yaml"),
        "title: Test\nverification:\n  gate: all\n",
    )
    .unwrap();
    git(dir, &["commit", "-qam", "strict gate"]);
    let output = vouch(dir, &["--changed-since", "main"]);
    assert_exit(&output, 1);
}

/// The `unverified-change` lines of a `--format github` run, by file.
fn flagged(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.contains("title=unverified-change"))
        .collect()
}

#[test]
fn an_edit_after_the_reverification_in_the_same_range_fails() {
    let tmp = repository();
    let dir = tmp.path();
    // Edited and re-verified, then edited again: the last edit is unvouched.
    write_card(dir, "edited", "2026-11-20", "Checked text.");
    git(dir, &["commit", "-qam", "edit and verify"]);
    write_card(dir, "edited", "2026-11-20", "Text nobody checked.");
    git(dir, &["commit", "-qam", "edit again"]);
    // Edited first, re-verified in a later commit: vouched for.
    write_card(dir, "reverified", "2026-11-01", "New text.");
    git(dir, &["commit", "-qam", "edit"]);
    write_card(dir, "reverified", "2026-11-21", "New text.");
    git(dir, &["commit", "-qam", "verify"]);

    let output = vouch(dir, &["--changed-since", "main"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_exit(&output, 1);
    let lines = flagged(&stdout);
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(lines[0].contains("file=kb/support/edited.md"), "{stdout}");
    assert!(
        lines[0].contains("re-verified in commit") && lines[0].contains("changed again in commit"),
        "names both commits: {stdout}"
    );

    // Verifying again after the last edit clears it.
    write_card(dir, "edited", "2026-11-22", "Text nobody checked.");
    git(dir, &["commit", "-qam", "verify the last edit"]);
    assert_exit(&vouch(dir, &["--changed-since", "main"]), 0);

    // An edit on disk after the last committed verification counts too.
    write_card(dir, "reverified", "2026-11-21", "Edited, not committed.");
    let output = vouch(dir, &["--changed-since", "main"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_exit(&output, 1);
    let lines = flagged(&stdout);
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(
        lines[0].contains("file=kb/support/reverified.md")
            && lines[0].contains("changed again in uncommitted changes"),
        "{stdout}"
    );

    // Only verification fields changed after the edit's verification: fine.
    write_card(dir, "reverified", "2026-11-21", "New text.");
    fs::write(
        dir.join("kb/support/reverified.md"),
        card("reverified", "2026-11-24", "New text.").replace("maria", "'maria'"),
    )
    .unwrap();
    assert_exit(&vouch(dir, &["--changed-since", "main"]), 0);
}

#[test]
fn a_card_verified_earlier_the_same_day_can_be_verified_again() {
    let tmp = repository();
    let dir = tmp.path();
    let verify = |dir: &Path| {
        Command::new(env!("CARGO_BIN_EXE_vouch"))
            .current_dir(dir)
            .args(["verify", "kb/support/edited.md", "--by", "maria"])
            .args(["--today", "2026-11-25"])
            .output()
            .expect("vouch runs")
    };
    // Verified this morning, then edited this afternoon.
    let output = verify(dir);
    assert_exit(&output, 0);
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("on 2026-11-25 by maria"),
        "a first verification today writes the plain date"
    );
    assert!(
        fs::read_to_string(dir.join("kb/support/edited.md"))
            .unwrap()
            .contains("verified: 2026-11-25\n")
    );
    git(dir, &["commit", "-qam", "verify"]);
    let path = dir.join("kb/support/edited.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("Old text.", "Afternoon text.")).unwrap();
    git(dir, &["commit", "-qam", "edit"]);
    assert_exit(&vouch(dir, &["--changed-since", "main"]), 1);

    // Verifying again the same day records the time, so git sees a change.
    let output = verify(dir);
    assert_exit(&output, 0);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("on 2026-11-25 at ") && stdout.contains(" UTC by maria"),
        "{stdout}"
    );
    let text = fs::read_to_string(&path).unwrap();
    let line = text.lines().find(|l| l.starts_with("verified:")).unwrap();
    let stamp = line.trim_start_matches("verified: ");
    assert!(
        stamp.len() == 20 && stamp.starts_with("2026-11-25T") && stamp.ends_with('Z'),
        "{text}"
    );
    assert_eq!(
        text.replace(line, "verified: 2026-11-25"),
        card("edited", "2026-11-25", "Afternoon text."),
        "nothing else changed"
    );
    git(dir, &["commit", "-qam", "verify again"]);
    let output = vouch(dir, &["--changed-since", "main"]);
    assert_exit(&output, 0);
    // The stamp is a valid verification everywhere else too: fresh, no warning.
    let output = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .current_dir(dir)
        .args(["check", "kb", "--today", "2026-11-25", "--format", "json"])
        .output()
        .unwrap();
    assert_exit(&output, 0);
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("invalid-date"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn a_card_turned_into_a_link_to_new_text_must_be_reverified() {
    let tmp = repository();
    let dir = tmp.path();
    // The card becomes a symbolic link (a type change, `T` in git's diff)
    // to new text that keeps the old `verified:`.
    fs::create_dir_all(dir.join("kb/.hidden")).unwrap();
    fs::write(
        dir.join("kb/.hidden/new.md"),
        card("edited", "2026-11-01", "Refunds are never given."),
    )
    .unwrap();
    fs::remove_file(dir.join("kb/support/edited.md")).unwrap();
    std::os::unix::fs::symlink("../.hidden/new.md", dir.join("kb/support/edited.md")).unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "swap the card for a link"]);

    let output = vouch(dir, &["--changed-since", "main"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("title=unverified-change") && l.contains("kb/support/edited.md")),
        "{stdout}"
    );
}

#[test]
fn a_change_to_what_a_card_shows_needs_its_owners() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q"]);
    fs::create_dir_all(dir.join("kb/support")).unwrap();
    fs::create_dir_all(dir.join("kb/guides")).unwrap();
    fs::write(dir.join("kb/vouch.yaml"), "title: Test\n").unwrap();
    fs::write(
        dir.join("kb/owners.yaml"),
        "people:\n  maria: {}\nteams:\n  billing:\n    members: [maria]\n",
    )
    .unwrap();
    fs::write(dir.join("kb/support/_collection.yaml"), "title: Support\n").unwrap();
    fs::write(dir.join("kb/support/flow.png"), b"\x89PNG\r\n\x1a\nold").unwrap();
    write_card(dir, "pictured", "2026-11-01", "See ![the flow](flow.png).");
    write_card(dir, "plain", "2026-11-01", "No picture.");
    fs::write(
        dir.join("kb/guides/other.md"),
        card("other", "2026-11-01", "Elsewhere."),
    )
    .unwrap();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "main"]);
    git(dir, &["checkout", "-qb", "change"]);

    // The picture a card shows is swapped: only that card needs a look.
    fs::write(dir.join("kb/support/flow.png"), b"\x89PNG\r\n\x1a\nnew").unwrap();
    git(dir, &["commit", "-qam", "new picture"]);
    let flagged = |output: &Output| -> Vec<String> {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|l| l.contains("title=unverified-change"))
            .map(|l| {
                l.split("file=")
                    .nth(1)
                    .unwrap()
                    .split(',')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let output = vouch(dir, &["--changed-since", "main"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(flagged(&output), ["kb/support/pictured.md"]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("a file it links to"));

    // The owner re-verifies it: the gate passes.
    write_card(dir, "pictured", "2026-11-24", "See ![the flow](flow.png).");
    git(dir, &["commit", "-qam", "verified"]);
    let output = vouch(dir, &["--changed-since", "main"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    // The collection's settings change: every card of that collection (and
    // none of another) needs its owners.
    fs::write(
        dir.join("kb/support/_collection.yaml"),
        "title: Support\nverify_every: 365d\n",
    )
    .unwrap();
    git(dir, &["commit", "-qam", "longer interval"]);
    let output = vouch(dir, &["--changed-since", "main"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(flagged(&output), ["kb/support/plain.md"]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("its collection's settings"));
}

#[test]
fn a_tech_docs_partial_that_changes_needs_the_pages_including_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q"]);
    fs::create_dir_all(dir.join("config")).unwrap();
    fs::create_dir_all(dir.join("source/partials")).unwrap();
    fs::write(dir.join("config/tech-docs.yml"), "service_name: Manual\n").unwrap();
    fs::write(dir.join("source/partials/_steps.md"), "Step one.\n").unwrap();
    let page = |title: &str, body: &str| {
        format!(
            "---\ntitle: {title}\nowner_slack: \"#team\"\nlast_reviewed_on: 2026-11-01\nreview_in: 6 months\n---\n{body}\n"
        )
    };
    fs::write(
        dir.join("source/runbook.html.md.erb"),
        page("Runbook", "<%= partial 'partials/steps' %>"),
    )
    .unwrap();
    fs::write(
        dir.join("source/other.html.md"),
        page("Other", "Nothing included."),
    )
    .unwrap();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "main"]);
    git(dir, &["checkout", "-qb", "change"]);
    fs::write(
        dir.join("source/partials/_steps.md"),
        "Step one, then delete prod.\n",
    )
    .unwrap();
    git(dir, &["commit", "-qam", "partial"]);
    let output = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .current_dir(dir)
        .args(["check", ".", "--today", "2026-11-25", "--format", "github"])
        .args(["--changed-since", "main"])
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let flagged: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("title=unverified-change"))
        .collect();
    assert_eq!(flagged.len(), 1, "{stdout}");
    assert!(
        flagged[0].contains("runbook.html.md.erb") && flagged[0].contains("a partial it includes"),
        "{stdout}"
    );
}
