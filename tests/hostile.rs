//! What a pull request could commit to hurt whoever runs vouch on it: values
//! past the calendar, words and nesting no reader writes, lines with
//! thousands of links. Each ends in diagnostics and a site, never a panic,
//! a stack overflow or output that grows with the square of the input.
//! (How long these inputs take is measured by `bench/hostile.sh`.)

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

mod common;

fn run(args: &[&str], root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(args)
        .arg(root)
        .args(["--today", "2026-11-25", "--color", "never"])
        .env_remove("GITHUB_ACTIONS")
        .env("GIT_CEILING_DIRECTORIES", root.parent().unwrap())
        .output()
        .expect("vouch runs")
}

fn root_with(cards: &[(&str, String)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    fs::create_dir_all(&root).unwrap();
    fs::write(root.join("vouch.yaml"), "").unwrap();
    for (rel, text) in cards {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    tmp
}

fn card(extra: &str, body: &str) -> String {
    format!("---\ntitle: A card\nowners: [ana]\nverified: 2026-11-01\n{extra}---\n{body}\n")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn an_interval_past_the_calendar_is_a_diagnostic_not_a_panic() {
    let tmp = root_with(&[
        ("a/far.md", card("verify_every: 20000y\n", "Body.")),
        (
            "a/_collection.yaml",
            "verify_every: 99999 years\n".to_owned(),
        ),
        (
            "a/bad-date.md",
            card("", "Body.").replace("2026-11-01", "2026-13-45"),
        ),
    ]);
    let root = tmp.path().join("kb");
    fs::write(
        root.join("vouch.yaml"),
        "verification:\n  warn_within: 30000y\n",
    )
    .unwrap();
    for command in ["check", "build"] {
        let out = run(&[command], &root);
        let said = text(&out);
        assert!(!said.contains("panicked"), "{command}: {said}");
        assert_eq!(out.status.code(), Some(1), "{command}: {said}");
        for (file, what) in [
            ("far.md", "`20000y` is longer than a century"),
            ("_collection.yaml", "`99999 years` is longer than a century"),
            ("vouch.yaml", "`30000y` is longer than a century"),
            ("bad-date.md", "invalid-date"),
        ] {
            assert!(
                said.lines().any(|l| l.contains(what)) && said.contains(file),
                "{command}: no `{what}` for {file}: {said}"
            );
        }
    }
}

#[test]
fn a_sixty_thousand_letter_word_is_indexed_without_overflowing_the_stack() {
    let word = "a".repeat(60_000);
    let tmp = root_with(&[("a/word.md", card("", &word))]);
    let root = tmp.path().join("kb");
    let site = tmp.path().join("site");
    let out = run(&["build", "-o", site.to_str().unwrap()], &root);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let page = fs::read_to_string(site.join("a/word/index.html")).unwrap();
    assert!(page.contains(&word));
}

#[test]
fn html_nested_too_deep_to_sanitise_is_shown_as_text_and_reported() {
    let deep = format!("{}x{}", "<div>".repeat(40_000), "</div>".repeat(40_000));
    let shallow = "<div><b>fine</b></div>";
    let tmp = root_with(&[
        ("a/deep.md", card("", &deep)),
        ("a/shallow.md", card("", shallow)),
    ]);
    let root = tmp.path().join("kb");
    let site = tmp.path().join("site");
    let out = run(&["build", "-o", site.to_str().unwrap()], &root);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains("warning[html-too-deep]: raw HTML nests 40000 elements deep"),
        "{said}"
    );
    assert!(!said.contains("shallow.md"), "{said}");
    let page = fs::read_to_string(site.join("a/deep/index.html")).unwrap();
    assert!(page.contains("&lt;div&gt;&lt;div&gt;"), "shown as text");
    assert!(!page.contains("<div><div><div>"), "not as markup");
    let page = fs::read_to_string(site.join("a/shallow/index.html")).unwrap();
    assert!(page.contains("<div><b>fine</b></div>"));
}

#[test]
fn a_line_with_thousands_of_broken_links_is_excerpted_around_each() {
    let links: Vec<String> = (0..5_000).map(|i| format!("[x](#nope{i})")).collect();
    let tmp = root_with(&[(
        "a/links.md",
        card("", &format!("## H\n\n{}", links.join(" "))),
    )]);
    let root = tmp.path().join("kb");
    let out = run(&["check"], &root);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(said.matches("error[broken-anchor]").count(), 5_000);
    // Each diagnostic shows the part of the line around its link, with the
    // real column in its header, not the whole 65 KB line.
    assert!(said.len() < 5_000 * 600, "{} bytes", said.len());
    let at = said.find("`#nope3000`: this card has no heading").unwrap();
    let block = &said[at..at + 600];
    let column = links[..3000].iter().map(|l| l.len() + 1).sum::<usize>() + 1;
    assert!(
        block.contains(&format!("kb/a/links.md:8:{column}")),
        "{block}"
    );
    let excerpt = block.lines().find(|l| l.starts_with("8 | ")).unwrap();
    let caret = block.lines().find(|l| l.contains('^')).unwrap();
    assert!(
        excerpt.starts_with("8 | …") && excerpt.ends_with('…'),
        "{excerpt}"
    );
    let start = caret.find('^').unwrap();
    assert_eq!(
        excerpt.chars().skip(start).take(14).collect::<String>(),
        "[x](#nope3000)",
        "the caret marks the link:\n{excerpt}\n{caret}"
    );
}

#[test]
fn tens_of_thousands_of_front_matter_keys_are_read() {
    let keys: String = (0..49_000).map(|i| format!("x-k{i}: {i}\n")).collect();
    let tmp = root_with(&[("a/keys.md", card(&keys, "Body."))]);
    let root = tmp.path().join("kb");
    let out = run(&["check"], &root);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let dup = card(&format!("{keys}x-k7: again\n"), "Body.");
    fs::write(root.join("a/keys.md"), dup).unwrap();
    let out = run(&["check"], &root);
    assert!(
        text(&out).contains("the key `x-k7` appears twice"),
        "{}",
        text(&out)
    );
}

/// Runs vouch and fails if it has not finished within 20 s (a FIFO read
/// blocks forever).
fn run_bounded(args: &[&str], root: &Path) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(args)
        .arg(root)
        .args(["--today", "2026-11-25", "--color", "never"])
        .env_remove("GITHUB_ACTIONS")
        .env("GIT_CEILING_DIRECTORIES", root.parent().unwrap())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("vouch starts");
    common::wait_bounded(child, 20)
}

fn mkfifo(path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn configuration_is_never_read_through_a_link_out_of_the_root() {
    let tmp = root_with(&[("a/card.md", card("", "Body."))]);
    let root = tmp.path().join("kb");
    let secret = tmp.path().join("secret.yaml");
    fs::write(&secret, "people:\n  SECRET_TOKEN_abc123: {}\n").unwrap();
    let link = |rel: &str| {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&secret, path).unwrap();
    };
    link("owners.yaml");
    link("a/_collection.yaml");
    link("templates/cards/faq.md");
    fs::remove_file(root.join("vouch.yaml")).unwrap();
    link("vouch.yaml");
    let out = run_bounded(&["check"], &root);
    let said = text(&out);
    assert!(!said.contains("SECRET_TOKEN"), "{said}");
    for file in ["owners.yaml", "_collection.yaml", "faq.md", "vouch.yaml"] {
        assert!(
            said.lines().any(|l| l.contains("unreadable-file")
                && l.contains("symbolic link that leads out of the knowledge root"))
                && said.contains(file),
            "{file}: {said}"
        );
    }
    // A site template linked out of the root is not published.
    let site = tmp.path().join("site");
    fs::create_dir_all(root.join("templates/site")).unwrap();
    std::os::unix::fs::symlink(&secret, root.join("templates/site/style.css")).unwrap();
    let out = run_bounded(&["build", "-o", site.to_str().unwrap()], &root);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out).contains("not read: it is a symbolic link"),
        "{}",
        text(&out)
    );
    assert!(
        !site.exists()
            || !fs::read_to_string(site.join("_/assets/style.css"))
                .unwrap_or_default()
                .contains("SECRET")
    );
}

#[test]
fn a_fifo_in_place_of_a_configuration_file_does_not_hang() {
    for rel in [
        "vouch.yaml",
        "owners.yaml",
        "a/_collection.yaml",
        "templates/cards/faq.md",
        "templates/site/base.html",
    ] {
        let tmp = root_with(&[("a/card.md", card("", "Body."))]);
        let root = tmp.path().join("kb");
        if rel == "vouch.yaml" {
            fs::remove_file(root.join(rel)).unwrap();
        }
        mkfifo(&root.join(rel));
        let site = tmp.path().join("site");
        let out = run_bounded(&["build", "-o", site.to_str().unwrap()], &root);
        assert!(
            text(&out).contains("it is not a regular file"),
            "{rel}: {}",
            text(&out)
        );
    }
}

#[test]
fn a_link_to_a_fifo_is_not_published() {
    let tmp = root_with(&[("a/card.md", card("", "See [the pipe](pipe.txt)."))]);
    let root = tmp.path().join("kb");
    mkfifo(&root.join("a/pipe.txt"));
    let site = tmp.path().join("site");
    let out = run_bounded(&["build", "-o", site.to_str().unwrap()], &root);
    assert!(
        text(&out)
            .contains("leads to a/pipe.txt, which is not published: it is not a regular file"),
        "{}",
        text(&out)
    );
    assert!(!site.join("a/pipe.txt").exists());
}

const GURU_BUNDLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/guru/bundle");

#[test]
fn verify_writes_nothing_through_symbolic_links_and_keeps_read_only_files() {
    let tmp = root_with(&[
        ("a/card.md", card("", "Body.")),
        ("a/real.md", card("", "The real card.")),
        ("a/locked.md", card("", "Locked.")),
    ]);
    let root = tmp.path().join("kb");
    let outside = tmp.path().join("bashrc");
    fs::write(&outside, "precious\n").unwrap();
    // Links named like temporary files a writer might pick.
    for name in [".card.md.vouch-tmp", "card.md.vouch-tmp", ".card.md.tmp"] {
        std::os::unix::fs::symlink(&outside, root.join("a").join(name)).unwrap();
    }
    std::os::unix::fs::symlink("real.md", root.join("a/linked.md")).unwrap();
    let locked = root.join("a/locked.md");
    let mut perms = fs::metadata(&locked).unwrap().permissions();
    perms.set_readonly(true);
    fs::set_permissions(&locked, perms).unwrap();
    let verify = |card: &str| {
        Command::new(env!("CARGO_BIN_EXE_vouch"))
            .args(["verify", "--by", "ana", "--today", "2026-11-25"])
            .arg(root.join(card))
            .env("GIT_CEILING_DIRECTORIES", tmp.path())
            .output()
            .unwrap()
    };
    let out = verify("a/card.md");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        fs::read_to_string(root.join("a/card.md"))
            .unwrap()
            .contains("verified: 2026-11-25")
    );
    assert_eq!(fs::read_to_string(&outside).unwrap(), "precious\n");
    for name in [".card.md.vouch-tmp", "card.md.vouch-tmp", ".card.md.tmp"] {
        assert!(
            fs::symlink_metadata(root.join("a").join(name))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    let leftovers: Vec<_> = fs::read_dir(root.join("a"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".vouch-tmp") && n.matches('.').count() > 3)
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let real_before = fs::read(root.join("a/real.md")).unwrap();
    let out = verify("a/linked.md");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("symbolic link"), "{}", text(&out));
    assert!(
        fs::symlink_metadata(root.join("a/linked.md"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(root.join("a/real.md")).unwrap(), real_before);

    let locked_before = fs::read(&locked).unwrap();
    let out = verify("a/locked.md");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("read-only"), "{}", text(&out));
    assert_eq!(fs::read(&locked).unwrap(), locked_before);
}

#[test]
fn guru_import_writes_nothing_through_a_symbolic_link_or_into_another_collection() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    fs::create_dir_all(root.join("other")).unwrap();
    fs::write(root.join("vouch.yaml"), "").unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, root.join("linked")).unwrap();
    let import = |collection: &str| {
        Command::new(env!("CARGO_BIN_EXE_vouch"))
            .args(["import", "guru", GURU_BUNDLE, "--into"])
            .arg(&root)
            .args([
                "--collection",
                collection,
                "--owner",
                "ana",
                "--today",
                "2026-11-25",
            ])
            .env("GIT_CEILING_DIRECTORIES", tmp.path())
            .output()
            .unwrap()
    };
    let out = import("linked");
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing written through the link"
    );

    // A card of another collection carrying one of the bundle's external ids
    // is not the bundle's: importing into `support` leaves it alone.
    let theirs = "---\ntitle: Ours\nowners: [ana]\nverified: 2026-11-01\nx-guru-external-id: kb-002\n---\nOur own text.\n";
    fs::write(root.join("other/ours.md"), theirs).unwrap();
    let out = import("support");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        fs::read_to_string(root.join("other/ours.md")).unwrap(),
        theirs
    );
    assert!(fs::read_dir(root.join("support")).unwrap().count() > 1);
}

#[test]
fn no_name_setting_or_card_puts_script_into_a_page() {
    let tmp = root_with(&[
        ("javascript:alert(1)<!--.md", card("", "A root card with a hostile name.")),
        ("javascript:alert(2)/inner.md", card("", "In a hostile collection.")),
        (
            "a/body.md",
            card(
                "",
                "<div class=\"badge badge-fresh\">Fresh</div>\n\n<p class=\"trust\" id=\"main\">x</p>\n\n```rust\nfn f() {}\n```",
            ),
        ),
        (
            "a/title.md",
            "---\ntitle: \"Real\\n\\n## Fake section\\n\\n- [evil](https://evil.example)\"\nowners: [\"ana\\n## Owners too\"]\nverified: 2026-11-01\n---\nBody.\n"
                .to_owned(),
        ),
    ]);
    let root = tmp.path().join("kb");
    fs::write(
        root.join("vouch.yaml"),
        "title: \"KB\\n## Injected\"\nrepo_url: \"javascript:alert(3)//\"\nbase_url: \"javascript:alert(4)//\"\n",
    )
    .unwrap();
    let site = tmp.path().join("site");
    let out = run(&["build", "-o", site.to_str().unwrap()], &root);
    let said = text(&out);
    for key in ["repo_url", "base_url"] {
        assert!(
            said.contains(&format!("`{key}` must be an http:// or https:// address")),
            "{said}"
        );
    }
    let mut pages = 0;
    let scripted = |url: &str| url.trim().to_lowercase().starts_with("javascript:");
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        let name = entry.path().to_string_lossy().into_owned();
        let Ok(content) = fs::read_to_string(entry.path()) else {
            continue;
        };
        if name.ends_with(".html") {
            pages += 1;
            let lower = content.to_lowercase();
            for bad in [
                "href=\"javascript:",
                "src=\"javascript:",
                "action=\"javascript:",
            ] {
                assert!(!lower.contains(bad), "{name} has {bad}");
            }
        } else if name.ends_with("cards.json") {
            let doc: serde_json::Value = serde_json::from_str(&content).unwrap();
            for card in doc["cards"].as_array().unwrap() {
                for key in ["url", "markdown_url"] {
                    assert!(!scripted(card[key].as_str().unwrap()), "{card}");
                }
            }
        } else if name.contains("/_/search/d/") {
            let rows: Vec<serde_json::Value> = serde_json::from_str(&content).unwrap();
            for row in rows {
                assert!(!scripted(row[1].as_str().unwrap()), "{row}");
            }
        } else if name.ends_with("llms.txt") {
            assert!(
                !content.to_lowercase().contains("(javascript:"),
                "{content}"
            );
        }
    }
    assert!(pages > 10);
    // The hostile names are published, as paths that are only paths.
    let home = fs::read_to_string(site.join("index.html")).unwrap();
    assert!(home.contains("href=\"javascript%3Aalert(2)/\""), "{home}");
    assert!(site.join("javascript:alert(2)/inner/index.html").is_file());
    // Card bodies cannot borrow the site's classes or ids.
    let body = fs::read_to_string(site.join("a/body/index.html")).unwrap();
    let main = &body[body.find("<div class=\"card-body\">").unwrap()..];
    let main = &main[..main.find("</article>").unwrap()];
    assert!(!main.contains("badge"), "{main}");
    assert!(
        !main.contains("class=\"trust\"") && !main.contains("id=\"main\""),
        "{main}"
    );
    assert!(main.contains("class=\"language-rust\""), "{main}");
    // Titles and names stay on their line in llms.txt.
    let llms = fs::read_to_string(site.join("llms.txt")).unwrap();
    for fake in [
        "\n## Fake section",
        "\n## Injected",
        "\n## Owners too",
        "\n- [evil]",
    ] {
        assert!(!llms.contains(fake), "{llms}");
    }
    assert!(llms.contains("Real ## Fake section"), "{llms}");
}

fn build_into(root: &Path, out: &Path) -> Output {
    run(&["build", "-o", out.to_str().unwrap()], root)
}

#[test]
fn the_output_folder_is_never_the_root_its_parent_or_a_link() {
    let tmp = root_with(&[("a/card.md", card("", "Body."))]);
    let root = tmp.path().join("kb");
    // A pull request can commit the marker that makes a folder "vouch's".
    fs::write(root.join(".vouch-site"), "").unwrap();
    for out in [root.clone(), tmp.path().to_path_buf()] {
        let built = build_into(&root, &out);
        assert_eq!(built.status.code(), Some(2), "{}", text(&built));
        assert!(
            text(&built).contains("holds the knowledge root"),
            "{}",
            text(&built)
        );
        assert!(root.join("a/card.md").is_file() && root.join("vouch.yaml").is_file());
    }
    // `-o` a symbolic link: the folder it points to keeps its files.
    let precious = tmp.path().join("precious");
    fs::create_dir_all(&precious).unwrap();
    fs::write(precious.join(".vouch-site"), "").unwrap();
    fs::write(precious.join("keep.txt"), "keep").unwrap();
    let link = tmp.path().join("site-link");
    std::os::unix::fs::symlink(&precious, &link).unwrap();
    let built = build_into(&root, &link);
    assert_eq!(built.status.code(), Some(2), "{}", text(&built));
    assert!(
        text(&built).contains("is a symbolic link"),
        "{}",
        text(&built)
    );
    assert_eq!(
        fs::read_to_string(precious.join("keep.txt")).unwrap(),
        "keep"
    );
}

#[test]
fn staging_folders_of_killed_builds_are_cleared_and_ctrl_c_leaves_none() {
    let tmp = root_with(&[("a/card.md", card("", "Body."))]);
    let root = tmp.path().join("kb");
    // What a build killed with SIGKILL leaves (its process is long gone).
    for stale in [".site.vouch-tmp-999999999", ".site.vouch-tmp-999999998.old"] {
        fs::create_dir_all(tmp.path().join(stale).join("a")).unwrap();
        fs::write(tmp.path().join(stale).join("a/x.html"), "half").unwrap();
    }
    let site = tmp.path().join("site");
    assert_eq!(build_into(&root, &site).status.code(), Some(0));
    let leftovers = |dir: &Path| -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".vouch-tmp"))
            .collect()
    };
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());

    // A build interrupted by SIGINT removes its staging folder.
    for i in 0..3000 {
        let path = root.join(format!("big/c{i}.md"));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, card("", &format!("Body {i} ").repeat(50))).unwrap();
    }
    let mut interrupted = 0;
    for attempt in 0..20 {
        let out = tmp.path().join(format!("site{attempt}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_vouch"))
            .args(["build", "--no-history", "-q", "-o", out.to_str().unwrap()])
            .arg(&root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait for the staging folder, then interrupt.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while leftovers(tmp.path()).is_empty() && std::time::Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let pid = child.id().to_string();
        let _ = Command::new("kill").args(["-INT", &pid]).status();
        let status = child.wait().unwrap();
        if status.code() == Some(130) {
            interrupted += 1;
        }
        assert_eq!(
            leftovers(tmp.path()),
            Vec::<String>::new(),
            "attempt {attempt}"
        );
        if interrupted >= 3 {
            break;
        }
    }
    assert!(interrupted >= 1, "no build was interrupted mid-way");
}

#[test]
fn a_guru_card_of_ten_thousand_nested_tags_is_imported_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("bundle");
    fs::create_dir_all(bundle.join("cards")).unwrap();
    fs::write(
        bundle.join("collection.yaml"),
        "Version: 2\nItems:\n  - ID: \"deep\"\n    Type: \"card\"\n  - ID: \"fine\"\n    Type: \"card\"\n",
    )
    .unwrap();
    for id in ["deep", "fine"] {
        fs::write(
            bundle.join(format!("cards/{id}.yaml")),
            format!("Title: \"{id}\"\n"),
        )
        .unwrap();
    }
    let deep = format!("{}deep text{}", "<b>".repeat(10_000), "</b>".repeat(10_000));
    fs::write(bundle.join("cards/deep.html"), deep).unwrap();
    fs::write(bundle.join("cards/fine.html"), "<p><b>Fine</b> text</p>").unwrap();
    let root = tmp.path().join("kb");
    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(["import", "guru"])
        .arg(&bundle)
        .arg("--into")
        .arg(&root)
        .args([
            "--collection",
            "support",
            "--owner",
            "ana",
            "--today",
            "2026-11-25",
        ])
        .env("GIT_CEILING_DIRECTORIES", tmp.path())
        .output()
        .unwrap();
    let said = text(&out);
    assert!(
        !said.contains("overflow") && out.status.code().is_some(),
        "{said}"
    );
    assert!(said.contains("html-too-deep"), "{said}");
    let deep = fs::read_to_string(root.join("support/deep.md")).unwrap();
    assert!(
        deep.contains("deep text") && !deep.contains("<b>"),
        "{deep}"
    );
    let fine = fs::read_to_string(root.join("support/fine.md")).unwrap();
    assert!(fine.contains("**Fine** text"), "{fine}");
}

#[test]
fn a_second_yaml_document_in_front_matter_is_an_error_not_lost_keys() {
    let tmp = root_with(&[
        (
            "a/sneaky.md",
            "---\ntitle: Sneaky\nowners: [ana]\nverified: 2026-11-01\n--- # a comment\nstatus: draft\n---\nA draft that must not be published.\n"
                .to_owned(),
        ),
        ("a/fine.md", card("", "Fine.")),
    ]);
    let root = tmp.path().join("kb");
    let site = tmp.path().join("site");
    let out = build_into(&root, &site);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("a second YAML document starts here"),
        "{said}"
    );
    assert!(said.contains("sneaky.md:5:1"), "{said}");
    assert!(
        !site.join("a/sneaky/index.html").exists(),
        "never published as a non-draft"
    );
    assert!(site.join("a/fine/index.html").is_file());
}

#[test]
fn a_zip_that_unpacks_to_a_hundred_times_its_size_is_refused() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("bomb.zip");
    let mut zip = zip::ZipWriter::new(fs::File::create(&zip_path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("collection.yaml", options).unwrap();
    zip.write_all(b"Version: 2\nItems: []\n").unwrap();
    zip.start_file("resources/zeros.bin", options).unwrap();
    let block = vec![0u8; 1 << 20];
    for _ in 0..80 {
        zip.write_all(&block).unwrap();
    }
    zip.finish().unwrap();
    assert!(
        fs::metadata(&zip_path).unwrap().len() < 1 << 20,
        "a small zip"
    );
    assert_refused_unpacked(&zip_path);
}

/// `vouch import guru ZIP` refuses to unpack the bundle and writes nothing.
fn assert_refused_unpacked(zip_path: &Path) {
    let root = zip_path.with_file_name("kb");
    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(["import", "guru"])
        .arg(zip_path)
        .arg("--into")
        .arg(&root)
        .args(["--collection", "support", "--today", "2026-11-25"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("vouch does not unpack it"),
        "{}",
        text(&out)
    );
    assert!(!root.join("support/resources").exists());
}

#[test]
fn a_site_marker_committed_into_a_collection_is_reported() {
    let tmp = root_with(&[
        ("support/refunds.md", card("", "Body.")),
        ("guides/a.md", card("", "Body.")),
    ]);
    let root = tmp.path().join("kb");
    fs::write(root.join("support/.vouch-site"), "").unwrap();
    let out = run(&["check"], &root);
    let said = text(&out);
    assert!(
        said.contains("warning[skipped-site]: `support/` holds `.vouch-site`"),
        "{said}"
    );
    // A site built inside a root that is the working folder stays quiet.
    let here = tempfile::tempdir().unwrap();
    fs::write(here.path().join("vouch.yaml"), "").unwrap();
    fs::create_dir_all(here.path().join("guides")).unwrap();
    fs::write(here.path().join("guides/a.md"), card("", "Body.")).unwrap();
    let vouch = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vouch"))
            .current_dir(here.path())
            .args(args)
            .args(["--today", "2026-11-25"])
            .env("GIT_CEILING_DIRECTORIES", here.path().parent().unwrap())
            .output()
            .unwrap()
    };
    assert_eq!(vouch(&["build"]).status.code(), Some(0));
    assert!(here.path().join("site/index.html").is_file());
    let again = vouch(&["check"]);
    assert!(!text(&again).contains("skipped-site"), "{}", text(&again));
    assert!(text(&again).contains("1 card:"), "{}", text(&again));
}

#[test]
fn words_tables_owners_and_titles_put_no_markup_into_the_trust_panel() {
    let tmp = root_with(&[(
        "a/c.md",
        "---\ntitle: \"T</script><script>alert(1)</script>\\\"x\"\nowners: [eve]\nverified: 2026-11-20\n---\nBody\n".to_owned(),
    )]);
    let root = tmp.path().join("kb");
    fs::write(
        root.join("vouch.yaml"),
        "title: \"X<script>alert(2)</script>\"\nlang: pt\nslack_workspace: acme\n",
    )
    .unwrap();
    fs::write(
        root.join("owners.yaml"),
        "people:\n  eve:\n    name: \"Eve\\\" onmouseover=\\\"alert(3)\"\n    email: \"eve@x.example?subject=<b>\"\n    slack: \"#a\\\"><script>alert(4)</script>\"\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("templates/i18n")).unwrap();
    fs::write(
        root.join("templates/i18n/pt.yaml"),
        "skip: \"<img src=x onerror=alert(5)>\"\nask_subject: \"</a><script>alert(6)</script>{title}\"\nadvice_fresh: \"<b onclick=alert(7)>ok</b>\"\n",
    )
    .unwrap();
    let site = tmp.path().join("site");
    let out = run(&["build", "-o", site.to_str().unwrap()], &root);
    // The contacts that are no address and no channel are refused, and
    // never used.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    for refused in [
        "is not an email address",
        "is not a Slack handle or channel",
    ] {
        assert!(
            text(&out).contains(refused) && text(&out).contains("invalid-registry"),
            "{}",
            text(&out)
        );
    }
    let page = fs::read_to_string(site.join("a/c/index.html")).unwrap();
    // The only scripts are vouch's own (vouch.js and search.js); no attribute
    // was opened by a value.
    assert_eq!(page.matches("<script").count(), 2, "{page}");
    assert_eq!(
        page.matches("<script src=\"../../_/assets/").count(),
        2,
        "{page}"
    );
    for bad in ["<img", "<b onclick", "onmouseover=\"", "<b>"] {
        assert!(!page.contains(bad), "{bad} in {page}");
    }
    // An address cannot add fields to the question's mailto: link.
    assert!(!page.contains("mailto:eve@x.example"), "{page}");
    assert!(!page.contains("slack.com/app_redirect?channel=a"), "{page}");
}

#[test]
fn a_tech_docs_page_cannot_read_files_or_run_script_through_its_erb() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("manual");
    let secret = tmp.path().join("secret.md");
    fs::write(&secret, "SECRET_TOKEN_abc123\n").unwrap();
    fs::create_dir_all(repo.join("config")).unwrap();
    fs::write(repo.join("config/tech-docs.yml"), "service_name: M\n").unwrap();
    fs::create_dir_all(repo.join("source/partials")).unwrap();
    std::os::unix::fs::symlink(&secret, repo.join("source/partials/_leak.md")).unwrap();
    mkfifo(&repo.join("source/partials/_pipe.md"));
    // A partial that includes itself, and one that climbs out.
    fs::write(
        repo.join("source/partials/_loop.html.erb"),
        "again <%= partial 'partials/loop' %>",
    )
    .unwrap();
    fs::write(
        repo.join("source/page.html.md.erb"),
        "---\ntitle: \"<script>alert(1)</script>\"\n---\n# <%= current_page.data.title %>\n\n<%= partial 'partials/leak' %>\n<%= partial 'partials/pipe' %>\n<%= partial '../../secret' %>\n<%= partial 'partials/loop' %>\n\n<%= warning_text('<script>alert(2)</script><img src=x onerror=alert(3)>') %>\n\n<%= image_tag 'javascript:alert(4)', alt: '\" onload=\"alert(5)' %>\n\n<%= current_page.data.title\n",
    )
    .unwrap();
    let site = tmp.path().join("site");
    let out = run_bounded(&["build", "-o", site.to_str().unwrap()], &repo);
    let said = text(&out);
    assert!(!said.contains("SECRET_TOKEN"), "{said}");
    assert!(
        said.contains("partial `partials/leak` does not exist"),
        "{said}"
    );
    assert!(said.contains("nests more than 4 partials deep"), "{said}");
    assert!(said.contains("never closed with `%>`"), "{said}");
    let page = fs::read_to_string(site.join("page/index.html")).unwrap();
    assert!(!page.contains("SECRET_TOKEN"));
    let body = &page[page.find("<main").unwrap()..];
    // Attribute text stays text: `alt="&quot; onload=…"` is not an attribute.
    for bad in ["<script", " onerror=", " onload=\"", "=\"javascript:", "<%"] {
        assert!(!body.contains(bad), "{bad} in {body}");
    }
    assert!(
        body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{body}"
    );
}

#[test]
fn check_and_build_agree_on_depth_and_on_the_theme() {
    // A card 500 folders down: neither command reads it, both say so, and
    // the build still makes the site of every other card.
    let tmp = root_with(&[("top.md", card("", "Top."))]);
    let root = tmp.path().join("kb");
    let deep = root.join(std::iter::repeat_n("d", 500).collect::<Vec<_>>().join("/"));
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("card.md"), card("", "Deep.")).unwrap();
    let checked = run(&["check"], &root);
    assert_eq!(checked.status.code(), Some(1), "{}", text(&checked));
    assert!(
        text(&checked).contains("error[too-deep]"),
        "{}",
        text(&checked)
    );
    let site = tmp.path().join("site");
    let built = run(&["build", "-o", site.to_str().unwrap()], &root);
    assert_eq!(built.status.code(), Some(1), "{}", text(&built));
    assert!(text(&built).contains("error[too-deep]"));
    assert!(site.join("top/index.html").is_file(), "{}", text(&built));

    // A site template, a words table and a linked words table the build
    // cannot load are `check` errors, not a passing check and a failed build.
    for (file, bad) in [
        ("templates/site/card.html", "{% if %}"),
        ("templates/i18n/en.yaml", "skip: [unclosed\n"),
    ] {
        let tmp = root_with(&[("a/c.md", card("", "Body."))]);
        let root = tmp.path().join("kb");
        fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
        fs::write(root.join(file), bad).unwrap();
        let checked = run(&["check"], &root);
        assert_eq!(checked.status.code(), Some(1), "{file}: {}", text(&checked));
        assert!(
            text(&checked).contains("error[site-template]") && text(&checked).contains(file),
            "{file}: {}",
            text(&checked)
        );
    }
    let tmp = root_with(&[("a/c.md", card("", "Body."))]);
    let root = tmp.path().join("kb");
    fs::write(root.join("vouch.yaml"), "lang: pt\n").unwrap();
    fs::create_dir_all(root.join("templates/i18n")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", root.join("templates/i18n/pt.yaml")).unwrap();
    let checked = run(&["check"], &root);
    assert_eq!(checked.status.code(), Some(1), "{}", text(&checked));
    assert!(
        text(&checked).contains("error[site-template]"),
        "{}",
        text(&checked)
    );
    assert!(!text(&checked).contains("root:x:0"), "{}", text(&checked));
}

#[test]
fn a_zip_whose_entries_claim_gigabytes_is_refused_before_anything_is_allocated() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("liar.zip");
    let mut zip = zip::ZipWriter::new(fs::File::create(&zip_path).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("collection.yaml", options).unwrap();
    zip.write_all(b"Version: 2\nItems: []\n").unwrap();
    for i in 0..100 {
        zip.start_file(format!("resources/r{i}.bin"), options)
            .unwrap();
        zip.write_all(b"tiny").unwrap();
    }
    zip.finish().unwrap();
    // Each resource's central-directory entry now declares 4,000,000,000
    // bytes (the field at offset 24 of its 0x02014b50 header).
    let mut bytes = fs::read(&zip_path).unwrap();
    let mut at = 0;
    let mut patched = 0;
    while let Some(i) = bytes[at..].windows(4).position(|w| w == b"PK\x01\x02") {
        let header = at + i;
        let name_len = u16::from_le_bytes([bytes[header + 28], bytes[header + 29]]) as usize;
        let name = &bytes[header + 46..header + 46 + name_len];
        if name.starts_with(b"resources/") {
            bytes[header + 24..header + 28].copy_from_slice(&4_000_000_000u32.to_le_bytes());
            patched += 1;
        }
        at = header + 4;
    }
    assert_eq!(patched, 100);
    fs::write(&zip_path, bytes).unwrap();
    assert_refused_unpacked(&zip_path);
}

#[test]
fn small_residuals_get_a_clear_diagnostic() {
    // `templates/cards` that is not a readable folder is said, not ignored.
    let tmp = root_with(&[("a/c.md", card("", "Body."))]);
    let root = tmp.path().join("kb");
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::write(root.join("templates/cards"), "not a folder").unwrap();
    let out = run(&["check"], &root);
    assert!(
        text(&out).contains("cannot read the card templates' folder"),
        "{}",
        text(&out)
    );
    assert_eq!(out.status.code(), Some(1));

    // Old Mac line endings and a doubled byte-order mark are named as such.
    let tmp = root_with(&[
        ("a/cr.md", card("", "Body.").replace('\n', "\r")),
        ("a/bom.md", format!("\u{feff}\u{feff}{}", card("", "Body."))),
    ]);
    let out = run(&["check"], &tmp.path().join("kb"));
    let said = text(&out);
    assert!(said.contains("carriage return alone"), "{said}");
    assert!(said.contains("two byte-order marks"), "{said}");
    assert!(!said.contains("card has no front matter"), "{said}");
}
