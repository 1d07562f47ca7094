//! `vouch verify` as a user runs it: files compared byte for byte, refusals
//! leave files untouched, and the default verifier is the git user.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{assert_exit, git_isolated, vouch_isolated};

const OWNERS: &str = "people:\n  maria:\n    name: Maria Silva\n    email: maria@acme.example\n  joao:\n    name: João Pereira\n    active: false\n  ana:\n    name: Ana Costa\nteams:\n  billing:\n    members: [maria, joao]\n";

/// A root with a CRLF card owned by billing and a stale card owned by ana.
fn root() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let kb = tmp.path().join("kb");
    fs::create_dir_all(kb.join("support")).unwrap();
    fs::write(kb.join("vouch.yaml"), "title: Test\n").unwrap();
    fs::write(kb.join("owners.yaml"), OWNERS).unwrap();
    fs::write(
        kb.join("support/refunds.md"),
        "---\r\n# Billing owns this\r\ntitle: \"Refunds\"   # keep the quotes\r\nverified: '2026-01-02'\r\nowners: [billing]\r\nverified_by: maria\r\n---\r\nBody stays.\r\n",
    )
    .unwrap();
    fs::write(
        kb.join("support/old.md"),
        "---\ntitle: Old\nowners: [ana]\nverified: 2020-01-01\nverified_by: ana\n---\nOld.\n",
    )
    .unwrap();
    fs::write(
        kb.join("support/fresh.md"),
        "---\ntitle: Fresh\nowners: [ana]\nverified: 2026-11-20\nverified_by: ana\n---\nNew.\n",
    )
    .unwrap();
    fs::write(
        kb.join("support/billing-old.md"),
        "---\ntitle: Billing old\nowners: [billing]\nverified: 2020-01-01\n---\n",
    )
    .unwrap();
    tmp
}

fn vouch(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["verify"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--today", "2026-11-25"]);
    vouch_isolated(dir, &all)
}

fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap()
}

#[test]
fn a_team_member_verifies_and_only_the_values_change() {
    let tmp = root();
    let output = vouch(tmp.path(), &["kb/support/refunds.md", "--by", "maria"]);
    assert_exit(&output, 0);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "verified kb/support/refunds.md on 2026-11-25 by maria\n"
    );
    assert_eq!(
        read(tmp.path(), "kb/support/refunds.md"),
        "---\r\n# Billing owns this\r\ntitle: \"Refunds\"   # keep the quotes\r\nverified: '2026-11-25'\r\nowners: [billing]\r\nverified_by: maria\r\n---\r\nBody stays.\r\n"
    );
    // A card without verified_by gets the key, before the closing line.
    assert_eq!(
        vouch(
            tmp.path(),
            &["kb/support/billing-old.md", "--by", "maria@acme.example"]
        )
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        read(tmp.path(), "kb/support/billing-old.md"),
        "---\ntitle: Billing old\nowners: [billing]\nverified: 2026-11-25\nverified_by: maria\n---\n"
    );
    let leftovers: Vec<_> = fs::read_dir(tmp.path().join("kb/support"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        4,
        "no temporary file is left: {leftovers:?}"
    );
}

#[test]
fn refusals_leave_the_file_untouched() {
    let tmp = root();
    let before = read(tmp.path(), "kb/support/refunds.md");
    for (by, why) in [
        ("ana", "not an owner"),
        ("joao", "no longer active"),
        ("billing", "is a team"),
        ("nobody", "not in owners.yaml"),
    ] {
        let output = vouch(tmp.path(), &["kb/support/refunds.md", "--by", by]);
        assert_eq!(output.status.code(), Some(1), "{by}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(why), "{by}: {stderr}");
        assert_eq!(
            read(tmp.path(), "kb/support/refunds.md"),
            before,
            "{by} changed the file"
        );
    }
    let output = vouch(tmp.path(), &["kb/support/missing.md", "--by", "maria"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not a file"));
    fs::write(tmp.path().join("kb/notes.txt"), "x").unwrap();
    let output = vouch(tmp.path(), &["kb/notes.txt", "--by", "maria"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not a card"));
}

#[test]
fn stale_verifies_only_the_stale_cards_the_verifier_may_verify() {
    let tmp = root();
    // Nobody can answer here: without --yes nothing is verified.
    let asked = vouch(tmp.path(), &["--stale", "--root", "kb", "--by", "ana"]);
    assert_eq!(asked.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&asked.stderr).contains("pass --yes"));
    assert!(read(tmp.path(), "kb/support/old.md").contains("verified: 2020-01-01"));
    let output = vouch(
        tmp.path(),
        &["--stale", "--yes", "--root", "kb", "--by", "ana"],
    );
    assert_exit(&output, 0);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("ana may verify 1 stale card(s):\n  kb/support/old.md\n"),
        "{stdout}"
    );
    assert!(read(tmp.path(), "kb/support/old.md").contains("verified: 2026-11-25\n"));
    assert!(
        read(tmp.path(), "kb/support/billing-old.md").contains("verified: 2020-01-01"),
        "not ana's"
    );
    assert!(
        read(tmp.path(), "kb/support/fresh.md").contains("verified: 2026-11-20"),
        "not stale"
    );
}

#[test]
fn the_git_user_is_the_default_verifier() {
    let tmp = root();
    let git = |args: &[&str]| git_isolated(tmp.path(), args);
    git(&["init", "-q"]);
    git(&["config", "user.email", "Maria@Acme.example"]);
    let output = vouch(tmp.path(), &["kb/support/refunds.md"]);
    assert_exit(&output, 0);
    assert!(read(tmp.path(), "kb/support/refunds.md").contains("verified_by: maria\r\n"));

    git(&["config", "user.email", "someone@else.example"]);
    git(&["config", "user.name", "Someone Else"]);
    let output = vouch(tmp.path(), &["kb/support/refunds.md"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("pass --by PERSON"));
}

#[test]
fn a_hard_linked_card_is_not_split_in_two() {
    let tmp = root();
    // The same card under two names (hard links; git never makes them, a
    // local script might).
    let card = tmp.path().join("kb/support/old.md");
    let other = tmp.path().join("elsewhere.md");
    fs::hard_link(&card, &other).unwrap();
    let before = fs::read_to_string(&card).unwrap();
    let output = vouch(tmp.path(), &["kb/support/old.md", "--by", "ana"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("hard links"), "{stderr}");
    assert_eq!(fs::read_to_string(&card).unwrap(), before);
    assert_eq!(fs::read_to_string(&other).unwrap(), before);
}
