//! `vouch new` and `vouch init` as a user runs them, in temp folders with a
//! real git identity.

mod common;

use std::fs;

use common::{assert_exit, git_isolated, vouch_isolated};

fn root_with_registry() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let kb = tmp.path().join("knowledge");
    fs::create_dir_all(kb.join("support")).unwrap();
    fs::write(kb.join("vouch.yaml"), "title: T\n").unwrap();
    fs::write(kb.join("owners.yaml"), "people:\n  maria:\n    name: Maria Silva\n    email: maria@acme.example\n  ana: {}\nteams:\n  billing:\n    members: [maria]\n").unwrap();
    fs::write(kb.join("support/_collection.yaml"), "owners: [billing]\n").unwrap();
    git_isolated(tmp.path(), &["init", "-q"]);
    git_isolated(tmp.path(), &["config", "user.email", "maria@acme.example"]);
    tmp
}

#[test]
fn new_writes_a_card_from_a_template() {
    let tmp = root_with_registry();
    let output = vouch_isolated(
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
    assert_exit(&output, 0);
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
    let output = vouch_isolated(
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
    let output = vouch_isolated(
        tmp.path(),
        &["new", "faq", "Refunds", "--collection", "support"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("already exists"));
    assert_eq!(fs::read_to_string(&path).unwrap(), "mine\n");

    let output = vouch_isolated(tmp.path(), &["new", "recipe", "Soup"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("use one of: card, escalation, faq"));
    let output = vouch_isolated(
        tmp.path(),
        &["new", "faq", "Soup", "--collection", "../outside"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(!tmp.path().join("outside").exists());
}

#[test]
fn init_makes_a_root_that_passes_check_and_workflows_that_run_vouch_isolated() {
    let tmp = tempfile::tempdir().unwrap();
    git_isolated(tmp.path(), &["init", "-q"]);
    let output = vouch_isolated(tmp.path(), &["init", "--today", "2026-11-25"]);
    assert_exit(&output, 0);
    for template in [
        "card",
        "escalation",
        "faq",
        "feature-breakdown",
        "how-to",
        "playbook",
        "troubleshooting",
    ] {
        assert!(
            tmp.path()
                .join(format!("knowledge/examples/{template}.md"))
                .is_file(),
            "{template}"
        );
    }
    let check = vouch_isolated(tmp.path(), &["check", "knowledge", "--today", "2026-11-25"]);
    assert_exit(&check, 0);
    assert_eq!(
        String::from_utf8_lossy(&check.stdout),
        "7 cards: 0 errors, 0 warnings, 0 stale, 0 expiring\n"
    );

    let mut commands = Vec::new();
    for name in ["vouch-check.yml", "vouch-report.yml", "vouch-pages.yml"] {
        let text = fs::read_to_string(tmp.path().join(".github/workflows").join(name)).unwrap();
        let node = vouch::yaml::parse(&text, 0..text.len())
            .unwrap_or_else(|e| panic!("{name} is not valid YAML: {e:?}"));
        let vouch::yaml::Value::Map(top) = node.value else {
            panic!("{name} is not a mapping")
        };
        assert!(top.iter().any(|(k, _)| k.name == "jobs"), "{name} has jobs");
        assert!(!text.contains("ROOT"), "{name}: the root is filled in");
        assert!(
            text.contains("uses: ./.github/actions/install-vouch") && !text.contains("cargo "),
            "{name} installs vouch through the generated action"
        );
        for line in text.lines().map(str::trim) {
            let line = line.strip_prefix("run: ").unwrap_or(line);
            if let Some(rest) = line.strip_prefix("vouch ") {
                commands.push(rest.split_whitespace().next().unwrap().to_owned());
                assert!(
                    rest.contains("knowledge"),
                    "{name}: `{line}` names the root"
                );
            }
        }
    }
    // crates.io's `vouch` is someone else's program: the action installs
    // vouch's own package, pinned to this version.
    let action =
        fs::read_to_string(tmp.path().join(".github/actions/install-vouch/action.yml")).unwrap();
    assert!(
        action.contains(&format!("default: \"{}\"", env!("CARGO_PKG_VERSION")))
            && action.contains("install --locked vouch-kb --version \"$VOUCH_VERSION\""),
        "{action}"
    );
    assert!(
        !action
            .lines()
            .any(|l| l.contains(" install ") && l.contains("cargo") && !l.contains("vouch-kb")),
        "the action installs another package"
    );
    commands.sort();
    commands.dedup();
    assert_eq!(commands, ["build", "check", "report"]);
    // `init` offers CODEOWNERS as a next step.
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("`vouch codeowners knowledge` writes .github/CODEOWNERS"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    for command in commands {
        assert_eq!(
            vouch_isolated(tmp.path(), &[&command, "--help"])
                .status
                .code(),
            Some(0),
            "vouch {command} exists"
        );
    }
    // `--changed-since` is what the pull-request workflow relies on.
    let check = fs::read_to_string(tmp.path().join(".github/workflows/vouch-check.yml")).unwrap();
    assert!(
        check.contains("vouch check knowledge --changed-since origin/${{ github.base_ref }}")
            && check.contains("fetch-depth: 0")
    );
}

#[test]
fn init_writes_nothing_when_a_file_exists() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("kb")).unwrap();
    fs::write(tmp.path().join("kb/owners.yaml"), "people: {}\n").unwrap();
    let output = vouch_isolated(tmp.path(), &["init", "kb"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("kb/owners.yaml"));
    assert_eq!(
        fs::read_to_string(tmp.path().join("kb/owners.yaml")).unwrap(),
        "people: {}\n"
    );
    assert!(!tmp.path().join("kb/vouch.yaml").exists());
    assert!(!tmp.path().join(".github").exists());
}

#[test]
fn completions_and_man_page_cover_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let bash = vouch_isolated(tmp.path(), &["completions", "bash"]);
    assert_eq!(bash.status.code(), Some(0));
    let bash = String::from_utf8_lossy(&bash.stdout);
    let man = vouch_isolated(tmp.path(), &["man"]);
    assert_eq!(man.status.code(), Some(0));
    let man = String::from_utf8_lossy(&man.stdout);
    assert!(
        man.starts_with(".ie"),
        "roff: {}",
        &man[..40.min(man.len())]
    );
    for command in ["check", "build", "verify", "report", "new", "init"] {
        assert!(bash.contains(command), "bash completion names {command}");
        assert!(man.contains(command), "the man page names {command}");
    }
    assert!(bash.contains("--changed-since"));
}

#[test]
fn init_in_a_subfolder_writes_its_paths_and_ignores_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    git_isolated(tmp.path(), &["init", "-q"]);
    fs::write(tmp.path().join(".gitignore"), "target").unwrap();
    let output = vouch_isolated(tmp.path(), &["init", "docs/kb", "--today", "2026-11-25"]);
    assert_exit(&output, 0);
    assert_eq!(
        fs::read_to_string(tmp.path().join(".gitignore")).unwrap(),
        "target\n/docs/site/\n",
        "the existing line is kept, the site's folder added"
    );
    let check = fs::read_to_string(tmp.path().join(".github/workflows/vouch-check.yml")).unwrap();
    assert!(check.contains("run: vouch check docs/kb\n"), "{check}");
    // The workflows' command works from the repository's top.
    let run = vouch_isolated(tmp.path(), &["check", "docs/kb", "--today", "2026-11-25"]);
    assert_exit(&run, 0);
    let built = vouch_isolated(tmp.path(), &["build", "docs/kb", "--today", "2026-11-25"]);
    assert_eq!(built.status.code(), Some(0));
    assert!(tmp.path().join("docs/site/index.html").is_file());
    let status = std::process::Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=all"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        !status.contains("docs/site"),
        "the site is ignored: {status}"
    );
}

#[test]
fn a_title_with_a_line_break_makes_a_card_check_reads() {
    let tmp = root_with_registry();
    let output = vouch_isolated(
        tmp.path(),
        &[
            "new",
            "card",
            "Two\nlines",
            "--owner",
            "ana",
            "--today",
            "2026-11-25",
        ],
    );
    assert_exit(&output, 0);
    let written = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let card = fs::read_to_string(tmp.path().join(&written)).unwrap();
    assert!(card.starts_with("---\ntitle: \"Two\\nlines\"\n"), "{card}");
    let checked = vouch_isolated(
        tmp.path(),
        &[
            "check",
            "knowledge",
            "--today",
            "2026-11-25",
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&checked.stdout).unwrap();
    let about_it: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"].as_str().unwrap_or_default().ends_with(&written))
        .filter(|d| d["code"] == "front-matter-syntax")
        .collect();
    assert!(about_it.is_empty(), "{about_it:?}");
}

#[test]
fn init_runs_the_workflows_on_the_repositorys_own_branch() {
    for (branch, expected) in [
        ("master", "[master]"),
        ("main", "[main]"),
        ("docs#1", "[\"docs#1\"]"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        git_isolated(tmp.path(), &["init", "-q", "-b", branch]);
        let output = vouch_isolated(tmp.path(), &["init", "--today", "2026-11-25"]);
        assert_exit(&output, 0);
        assert!(
            String::from_utf8_lossy(&output.stdout).contains(&format!(
                "pushes to `{}`",
                expected.trim_matches(['[', ']'])
            )),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        for name in ["vouch-check.yml", "vouch-pages.yml"] {
            let text = fs::read_to_string(tmp.path().join(".github/workflows").join(name)).unwrap();
            assert!(
                text.contains(&format!("branches: {expected}")),
                "{branch}: {name}:\n{text}"
            );
            let node = vouch::yaml::parse(&text, 0..text.len()).unwrap();
            if name == "vouch-pages.yml" {
                // One deployment at a time.
                let group = node
                    .get("concurrency")
                    .and_then(|c| c.get("group"))
                    .and_then(|g| g.value.scalar_text());
                assert_eq!(group.as_deref(), Some("pages"), "{text}");
            }
        }
    }
}
