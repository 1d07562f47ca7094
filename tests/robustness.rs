//! Inputs that cannot live in a fixture folder: symbolic links (loops, links out
//! of the root), a 10 MB card, and a root full of cards that each break
//! differently. Each runs the real binary and checks that it ends in
//! diagnostics, never a panic or a hang.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::assert_exit;

fn vouch(root: &Path, args: &[&str]) -> Output {
    // A root is a folder with vouch.yaml; every setting keeps its default.
    if !root.join("vouch.yaml").exists() {
        fs::write(root.join("vouch.yaml"), "").unwrap();
    }
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .arg("check")
        .arg(root)
        .args(["--today", "2026-11-25", "--format", "json"])
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("vouch runs")
}

fn diagnostics(output: &Output) -> Vec<(String, String, String)> {
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    doc["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn card(dir: &Path, name: &str, body: &str) {
    fs::create_dir_all(dir).unwrap();
    fs::write(
        dir.join(name),
        format!("---\ntitle: {name}\nowners: [me]\nverified: 2026-11-20\n---\n{body}\n"),
    )
    .unwrap();
}

#[cfg(unix)]
#[test]
fn symlinks_never_leave_the_root_and_loops_end() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    card(outside.path(), "secret.md", "Outside the root.");
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    card(&root.join("guides"), "real.md", "Inside.");
    symlink(
        outside.path().join("secret.md"),
        root.join("guides/linked-secret.md"),
    )
    .unwrap();
    symlink(outside.path(), root.join("outside-folder")).unwrap();
    symlink(&root, root.join("guides/loop")).unwrap();
    symlink(
        root.join("guides/missing.md"),
        root.join("guides/broken.md"),
    )
    .unwrap();
    symlink(root.join("guides/real.md"), root.join("guides/alias.md")).unwrap();

    let output = vouch(&root, &[]);
    assert_exit(&output, 0);
    let found = diagnostics(&output);
    let skipped: Vec<_> = found
        .iter()
        .filter(|d| d.0 == "skipped-symlink")
        .map(|d| d.1.rsplit('/').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        skipped,
        ["broken.md", "linked-secret.md", "loop", "outside-folder"],
        "{found:?}"
    );
    assert!(found.iter().all(|d| !d.2.contains("Outside the root")));
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // real.md and the in-root alias are read; nothing from outside is.
    assert_eq!(doc["summary"]["cards"], 2);
}

#[test]
fn a_ten_megabyte_card_is_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let paragraph = "A long paragraph about refunds with a [link](missing.md). ".repeat(20);
    let body: String = (0..9_000)
        .map(|i| format!("## Part {i}\n{paragraph}\n\n"))
        .collect();
    assert!(body.len() > 10_000_000);
    card(tmp.path(), "huge.md", &body);
    let output = vouch(tmp.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let found = diagnostics(&output);
    assert_eq!(found.len(), 9_000 * 20, "one broken-link per link");
    assert!(found.iter().all(|d| d.0 == "broken-link"));
}

#[test]
fn one_bad_card_never_hides_another() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::write(root.join("a-bad-yaml.md"), "---\ntitle: [\n---\n").unwrap();
    fs::write(root.join("b-latin1.md"), b"---\ntitle: caf\xe9\n---\n").unwrap();
    fs::write(root.join("c-unclosed.md"), "---\ntitle: x\n").unwrap();
    fs::write(root.join("d-empty.md"), "").unwrap();
    fs::write(root.join("e-nul.md"), "---\ntitle: \0\n---\n\0").unwrap();
    card(root, "f-good-but-stale.md", "");
    fs::write(
        root.join("f-good-but-stale.md"),
        "---\ntitle: ok\nowners: [me]\nverified: 2020-01-01\n---\n",
    )
    .unwrap();
    let output = vouch(root, &[]);
    assert_eq!(output.status.code(), Some(1));
    let files: std::collections::BTreeSet<_> =
        diagnostics(&output).into_iter().map(|d| d.1).collect();
    let expected: Vec<String> = [
        "a-bad-yaml.md",
        "b-latin1.md",
        "c-unclosed.md",
        "d-empty.md",
        "e-nul.md",
        "f-good-but-stale.md",
    ]
    .iter()
    .map(|f| root.join(f).to_string_lossy().into_owned())
    .collect();
    assert_eq!(files.into_iter().collect::<Vec<_>>(), expected);
}

#[test]
fn output_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..200 {
        card(
            &tmp.path().join(format!("c{}", i % 7)),
            &format!("card-{i}.md"),
            "[x](nowhere.md) [y](#nope)",
        );
    }
    let first = vouch(tmp.path(), &[]);
    for _ in 0..3 {
        assert_eq!(vouch(tmp.path(), &[]).stdout, first.stdout);
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_card_does_not_hang_the_check() {
    let tmp = tempfile::tempdir().unwrap();
    card(tmp.path(), "ok.md", "Fine.");
    fs::write(tmp.path().join("vouch.yaml"), "").unwrap();
    let fifo = tmp.path().join("pipe.md");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let child = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .arg("check")
        .arg(tmp.path())
        .args(["--today", "2026-11-25", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("vouch starts");
    let output = common::wait_bounded(child, 20);
    let found = diagnostics(&output);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "unreadable-file");
    assert!(found[0].1.ends_with("pipe.md"));
    assert_eq!(output.status.code(), Some(1));
}

/// Cards are read relative to their open folder: cards of the same name in
/// several folders (and at the top), visited with folders in between, are
/// each read from their own folder.
#[test]
fn cards_of_one_name_in_many_folders_are_each_read_from_their_own() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let folders = ["", "a", "a/b", "a/b/c", "d", "a/e"];
    for folder in folders {
        let tag = if folder.is_empty() { "top" } else { folder };
        let tag = tag.replace('/', "-");
        card(
            &root.join(folder),
            "same.md",
            &format!("[x](gone-{tag}.md)"),
        );
        // Enough cards that one thread's run of cards spans folders.
        for n in 0..40 {
            card(&root.join(folder), &format!("z{n}.md"), "Nothing to see.");
        }
    }
    let out = vouch(root, &[]);
    assert_exit(&out, 1);
    let mut broken: Vec<(String, String)> = diagnostics(&out)
        .into_iter()
        .filter(|(code, _, _)| code == "broken-link")
        .map(|(_, file, message)| {
            let file = Path::new(&file)
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let target = message.split('`').nth(1).unwrap_or_default().to_owned();
            (file, target)
        })
        .collect();
    broken.sort();
    let mut expected: Vec<(String, String)> = folders
        .iter()
        .map(|f| {
            let file = if f.is_empty() {
                "same.md".to_owned()
            } else {
                format!("{f}/same.md")
            };
            let tag = if f.is_empty() {
                "top".to_owned()
            } else {
                f.replace('/', "-")
            };
            (file, format!("gone-{tag}.md"))
        })
        .collect();
    expected.sort();
    assert_eq!(broken, expected, "{}", String::from_utf8_lossy(&out.stdout));
}
