//! `vouch new` and `vouch init` as a user runs them, in temp folders with a
//! real git identity.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn vouch(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("vouch runs")
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .unwrap();
    assert!(status.success());
}

fn root_with_registry() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let kb = tmp.path().join("knowledge");
    fs::create_dir_all(kb.join("support")).unwrap();
    fs::write(kb.join("vouch.yaml"), "title: T\n").unwrap();
    fs::write(kb.join("owners.yaml"), "people:\n  maria:\n    name: Maria Silva\n    email: maria@acme.example\n  ana: {}\nteams:\n  billing:\n    members: [maria]\n").unwrap();
    fs::write(kb.join("support/_collection.yaml"), "owners: [billing]\n").unwrap();
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["config", "user.email", "maria@acme.example"]);
    tmp
}

#[test]
fn new_writes_a_card_from_a_template() {
    let tmp = root_with_registry();
    let output = vouch(
        tmp.path(),
        &[
            "new",
            "faq",
            "Can I get a refund?",
            "--collection",
            "support",
            "--today",
            "2026-11-25",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "knowledge/support/can-i-get-a-refund.md\n"
    );
    let card =
        fs::read_to_string(tmp.path().join("knowledge/support/can-i-get-a-refund.md")).unwrap();
    let faq = include_str!("../templates/cards/faq.md");
    let body = &faq[faq.find("\n---\n").unwrap() + 5..];
    assert_eq!(
        card,
        format!(
            "---\ntitle: Can I get a refund?\ntype: faq\nverified: 2026-11-25\nverified_by: maria\n---\n{body}"
        ),
        "the collection's owners apply, the git user (a member) verifies, and the guidance is kept"
    );

    // The template's required fields are there for the author to fill in.
    let output = vouch(
        tmp.path(),
        &[
            "new",
            "feature-breakdown",
            "מדיניות החזרים",
            "--owner",
            "ana",
            "--lang",
            "he",
            "--today",
            "2026-11-25",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    let card = fs::read_to_string(tmp.path().join("knowledge/מדיניות-החזרים.md")).unwrap();
    assert!(card.starts_with("---\ntitle: מדיניות החזרים\ntype: feature-breakdown\nowners: [ana]\nverified: 2026-11-25\nlang: he\nrelease_date:\nproduct_owner:\n---\n"), "{card}");
}

#[test]
fn new_refuses_to_overwrite_and_names_unknown_templates() {
    let tmp = root_with_registry();
    let path = tmp.path().join("knowledge/support/refunds.md");
    fs::write(&path, "mine\n").unwrap();
    let output = vouch(
        tmp.path(),
        &["new", "faq", "Refunds", "--collection", "support"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("already exists"));
    assert_eq!(fs::read_to_string(&path).unwrap(), "mine\n");

    let output = vouch(tmp.path(), &["new", "recipe", "Soup"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("use one of: card, escalation, faq"));
    let output = vouch(
        tmp.path(),
        &["new", "faq", "Soup", "--collection", "../outside"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(!tmp.path().join("outside").exists());
}
