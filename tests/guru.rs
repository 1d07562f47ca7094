//! `vouch import guru` and `vouch export guru` through the binary, on bundles
//! written for these tests (`tests/guru/*`) from the format's public
//! description: the current layout, the legacy boards layout, a malformed
//! bundle, hostile zip entries, re-imports and an export/import round trip.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/guru");

fn vouch(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env("GIT_CEILING_DIRECTORIES", dir)
        .output()
        .expect("vouch runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every file under `dir`, by `/`-separated relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, files);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    walk(dir, dir, &mut files);
    files
}

fn zip_dir(dir: &Path, zip_path: &Path, extra: &[(&str, &[u8])]) {
    let file = fs::File::create(zip_path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default();
    for (name, bytes) in tree(dir) {
        zip.start_file(name, options).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    for (name, bytes) in extra {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// Imports with `--verified` (the cards of these fixtures count as checked),
/// unless `extra` says `--unverified`: then as vouch does by default.
fn import(dir: &Path, source: &Path, root: &str, extra: &[&str]) -> Output {
    let source = source.to_str().unwrap();
    let mut args = vec![
        "import",
        "guru",
        source,
        "--into",
        root,
        "--today",
        "2026-11-25",
    ];
    if !extra.contains(&"--unverified") {
        args.push("--verified");
    }
    args.extend(extra.iter().filter(|a| **a != "--unverified"));
    vouch(dir, &args)
}

fn text(path: PathBuf) -> String {
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_bundle_becomes_a_collection_of_cards() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = import(
        dir,
        &Path::new(FIXTURES).join("bundle"),
        "kb",
        &["--owner", "support-team", "-c", "help"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let files: Vec<String> = tree(&dir.join("kb")).into_keys().collect();
    assert_eq!(
        files,
        [
            "help/_collection.yaml",
            "help/billing-payments/eu-customers/vat-on-eu-invoices.md",
            "help/billing-payments/refunds-annual-plans.md",
            "help/resources/flow.png",
            "help/support/escalation-guide.md",
            "help/welcome-to-the-support-team.md",
            "vouch.yaml",
        ]
    );
    // An HTML body becomes Markdown; its card link a relative .md link; the
    // script is gone; what the bundle knew of the card is kept for re-imports.
    assert_eq!(
        text(dir.join("kb/help/billing-payments/eu-customers/vat-on-eu-invoices.md")),
        "---\ntitle: \"VAT on EU invoices\"\nowners: [\"support-team\"]\nverified: 2026-11-25\nx-guru-id: \"vat\"\nx-guru-external-id: \"kb-003\"\n---\n\
         ## Which rate applies\n\nWe charge the **customer's** country rate. Ask [an escalation owner](../../support/escalation-guide.md) when unsure.\n\n\
         | Country | Rate |\n| ------- | ---- |\n| PT      | 23%  |\n"
    );
    let welcome = text(dir.join("kb/help/welcome-to-the-support-team.md"));
    assert!(
        welcome.contains("[how refunds work](billing-payments/refunds-annual-plans.md)"),
        "{welcome}"
    );
    assert!(
        welcome.contains("[escalation guide](support/escalation-guide.md#who-to-call)"),
        "{welcome}"
    );
    assert!(
        welcome.contains("![The support flow](resources/flow.png)"),
        "{welcome}"
    );
    assert!(welcome.contains("tags: [\"onboarding\"]"), "{welcome}");
    let refunds = text(dir.join("kb/help/billing-payments/refunds-annual-plans.md"));
    assert!(
        refunds.contains("[vat]: eu-customers/vat-on-eu-invoices.md"),
        "{refunds}"
    );
    assert_eq!(
        fs::read(dir.join("kb/help/resources/flow.png")).unwrap(),
        fs::read(Path::new(FIXTURES).join("bundle/resources/flow.png")).unwrap()
    );
    let summary = stdout(&out);
    assert!(summary.contains("imported 4 cards into kb/help: 4 created, 0 updated, 0 unchanged; 1 resource file; 0 errors"), "{summary}");

    // The imported root is a valid root: every link and anchor resolves.
    let check = vouch(dir, &["check", "kb", "--today", "2026-11-25"]);
    assert!(
        stdout(&check).contains("4 cards: 0 errors, 0 warnings"),
        "{}",
        stdout(&check)
    );

    // The same bundle zipped gives the same cards.
    let zipped = dir.join("bundle.zip");
    zip_dir(&Path::new(FIXTURES).join("bundle"), &zipped, &[]);
    let out = import(
        dir,
        &zipped,
        "kb2",
        &["--owner", "support-team", "-c", "help"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Exported again, a card keeps the ExternalId Guru knows it by, and its
    // ExternalUrl becomes its page on the site.
    fs::write(
        dir.join("kb/vouch.yaml"),
        "title: KB\nbase_url: https://kb.example.com/\n",
    )
    .unwrap();
    let out = vouch(dir, &["export", "guru", "kb", "-o", "again.zip"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let mut zip = zip::ZipArchive::new(fs::File::open(dir.join("again.zip")).unwrap()).unwrap();
    let mut yaml = String::new();
    std::io::Read::read_to_string(
        &mut zip
            .by_name("cards/help__welcome-to-the-support-team.yaml")
            .unwrap(),
        &mut yaml,
    )
    .unwrap();
    assert_eq!(
        yaml,
        "Title: \"Welcome to the support team\"\nExternalId: \"kb-001\"\n\
         ExternalUrl: \"https://kb.example.com/help/welcome-to-the-support-team/\"\nTags:\n  - \"onboarding\"\n"
    );

    let cards = |root: &str| -> BTreeMap<String, String> {
        tree(&dir.join(root))
            .into_iter()
            .filter(|(path, _)| path != "_collection.yaml")
            .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
            .collect()
    };
    assert_eq!(cards("kb/help"), cards("kb2/help"));
}

#[test]
fn reimport_updates_what_it_made_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let bundle = dir.join("bundle");
    copy(&Path::new(FIXTURES).join("bundle"), &bundle);
    let out = import(dir, &bundle, "kb", &["--owner", "support-team"]);
    assert_eq!(out.status.code(), Some(0));

    // An owner verifies one card and adds a key of their own.
    let refunds = dir.join("kb/bundle/billing-payments/refunds-annual-plans.md");
    let mine = text(refunds.clone()).replace(
        "verified: 2026-11-25\n",
        "verified: 2026-11-30\nverified_by: maria\nx-team: billing\n",
    );
    fs::write(&refunds, &mine).unwrap();
    // Someone writes a card by hand where the bundle's new card would go.
    fs::write(
        dir.join("kb/bundle/new-in-guru.md"),
        "---\ntitle: Mine\nowners: [me]\nverified: 2026-11-25\n---\nMine.\n",
    )
    .unwrap();
    let before = tree(&dir.join("kb"));

    // In Guru: the refunds body and tags changed, a card was added.
    fs::write(
        bundle.join("cards/refunds.md"),
        "Annual plans are refunded pro rata within 60 days.\n",
    )
    .unwrap();
    fs::write(
        bundle.join("cards/refunds.yaml"),
        "Title: \"Refunds: annual plans\"\nExternalId: \"kb-002\"\nTags: [refunds, annual]\n",
    )
    .unwrap();
    fs::write(bundle.join("cards/added.yaml"), "Title: New in Guru\n").unwrap();
    fs::write(bundle.join("cards/added.md"), "Fresh.\n").unwrap();
    let listing = text(bundle.join("collection.yaml"))
        .replace("Items:\n", "Items:\n  - ID: added\n    Type: card\n");
    fs::write(bundle.join("collection.yaml"), listing).unwrap();

    let out = import(
        dir,
        &bundle,
        "kb",
        &["--owner", "support-team", "--unverified"],
    );
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(
        report
            .contains("updated   kb/bundle/billing-payments/refunds-annual-plans.md (tags, body)"),
        "{report}"
    );
    assert!(
        report.contains("created   kb/bundle/new-in-guru-2.md"),
        "{report}"
    );
    assert!(
        report.contains("1 created, 1 updated, 3 unchanged"),
        "{report}"
    );
    // The new card has no date either, without --verified.
    assert!(
        text(dir.join("kb/bundle/new-in-guru-2.md")).contains("title: \"New in Guru\""),
        "{report}"
    );
    // Title and tags are replaced in place; the body changed, so the
    // owner's verification of the old text is cleared and the import says
    // so; every other line stays as the owner left it.
    assert!(
        report.contains("verification cleared: 1 updated card changed in Guru"),
        "{report}"
    );
    assert_eq!(
        text(refunds.clone()),
        "---\ntitle: \"Refunds: annual plans\"\nowners: [\"support-team\"]\nx-team: billing\n\
         tags: [\"refunds\", \"annual\"]\nx-guru-id: \"refunds\"\nx-guru-external-id: \"kb-002\"\n---\n\
         Annual plans are refunded pro rata within 60 days.\n"
    );
    let checked = vouch(dir, &["check", "kb", "--today", "2026-12-01"]);
    assert!(
        stdout(&checked).contains("refunds-annual-plans.md") && checked.status.code() == Some(1),
        "{}",
        stdout(&checked)
    );
    let after = tree(&dir.join("kb"));
    for (path, bytes) in &before {
        if !path.ends_with("refunds-annual-plans.md") {
            assert_eq!(after.get(path), Some(bytes), "{path} changed");
        }
    }
    assert_eq!(after.len(), before.len() + 1);
}

fn copy(from: &Path, to: &Path) {
    for (rel, bytes) in tree(from) {
        let path = to.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

#[test]
fn a_malformed_bundle_reports_every_problem_and_writes_only_inside_the_root() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // No --owner: the new cards are written ownerless and the report says so.
    let out = import(dir, &Path::new(FIXTURES).join("malformed"), "kb", &[]);
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    for expected in [
        "error[bundle-syntax]: this YAML cannot be read",
        "--> ",
        "malformed/cards/broken.yaml:1:8",
        "error[missing-body]: card `nobody` has no body",
        "malformed/cards/nobody.yaml:1:1",
        "error[missing-item]: card `ghost` is listed but cards/ghost.yaml is not in the bundle",
        "malformed/collection.yaml:5:5",
        "error[bundle-syntax]: this item has no `ID`",
        "malformed/collection.yaml:13:5",
        "error[bundle-syntax]: folder `loop` contains itself",
        "malformed/folders/loop.yaml:5:5",
        "warning[broken-link]: links to card `unknown`, which is not in the bundle",
        "malformed/cards/fine.md:1:36",
        "warning[broken-link]: links to `resources/../../../etc/passwd`, which leaves the bundle",
        "2 created, 0 updated, 0 unchanged; 0 resource files; 5 errors",
        "needs an owner: 2 new cards written with `owners: []`",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in\n{report}"
        );
    }
    assert!(text(dir.join("kb/malformed/a-fine-card.md")).contains("\nowners: []\n"));
    // The good cards are imported, once, and nothing else is written.
    let files: Vec<String> = tree(dir).into_keys().collect();
    assert_eq!(
        files,
        [
            "kb/malformed/_collection.yaml",
            "kb/malformed/a-fine-card.md",
            "kb/malformed/loop/inside-the-loop.md",
            "kb/vouch.yaml",
        ]
    );
}

#[test]
fn zip_entries_that_leave_the_bundle_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let inner = dir.join("inner");
    fs::create_dir(&inner).unwrap();
    let zipped = dir.join("evil.zip");
    zip_dir(
        &Path::new(FIXTURES).join("legacy"),
        &zipped,
        &[
            ("../escaped.md", b"---\ntitle: x\n---\n"),
            ("/abs/escaped.md", b"x"),
            ("resources/../../escaped.png", b"x"),
        ],
    );
    let out = import(&inner, &zipped, "kb", &["--owner", "sales"]);
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert_eq!(report.matches("error[unsafe-path]").count(), 3, "{report}");
    let files: Vec<String> = tree(dir)
        .into_keys()
        .filter(|f| !f.ends_with(".zip"))
        .collect();
    assert!(
        files.iter().all(|f| f.starts_with("inner/kb/")),
        "{files:?}"
    );
    assert!(files.iter().all(|f| !f.contains("escaped")), "{files:?}");
}

#[test]
fn legacy_boards_become_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = import(
        dir,
        &Path::new(FIXTURES).join("legacy"),
        "kb",
        &["--owner", "sales", "--unverified"],
    );
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(report.contains("needs verifying"), "{report}");
    let files: Vec<String> = tree(&dir.join("kb")).into_keys().collect();
    assert_eq!(
        files,
        [
            "legacy/_collection.yaml",
            "legacy/misc/faq.md",
            "legacy/on-no-board.md",
            "legacy/sales/pricing/discounts/nonprofit-discount.md",
            "legacy/sales/pricing/plans.md",
            "vouch.yaml",
        ]
    );
    let card = text(dir.join("kb/legacy/sales/pricing/discounts/nonprofit-discount.md"));
    assert!(!card.contains("verified"), "{card}");
    assert!(card.ends_with("---\nNonprofits get *30%* off.\n"), "{card}");
}

#[test]
fn export_then_import_keeps_titles_bodies_tags_and_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let write = |rel: &str, content: &str| {
        let path = dir.join("kb").join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    };
    write("vouch.yaml", "title: Acme help\n");
    write("support/_collection.yaml", "title: Support\n");
    write(
        "support/refunds.md",
        "---\ntitle: \"Refunds: how and when\"\nowners: [ana]\nverified: 2026-11-01\ntags: [billing, \"Category:Money\"]\n---\n\
         # Refunds\n\nSee [VAT rates](../billing/vat.md#rates) and [deep](nested/deep.md).\n\n![Flow](../images/flow.png)\n",
    );
    write(
        "support/nested/deep.md",
        "---\ntitle: Deep card\nowners: [ana]\nverified: 2026-11-01\n---\nBack to [refunds](../refunds.md).\n",
    );
    write(
        "billing/vat.md",
        "---\ntitle: VAT\nowners: [ana]\nverified: 2026-11-01\ntags: [billing]\n---\n## Rates\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    );
    write(
        "top.md",
        "---\ntitle: Top\nowners: [ana]\nverified: 2026-11-01\n---\nAt the top.\n",
    );
    write(
        "billing/draft.md",
        "---\ntitle: Draft\nowners: [ana]\nverified: 2026-11-01\nstatus: draft\n---\nNot yet.\n",
    );
    fs::create_dir_all(dir.join("kb/images")).unwrap();
    fs::write(
        dir.join("kb/images/flow.png"),
        b"\x89PNG\r\n\x1a\npng bytes",
    )
    .unwrap();

    let out = vouch(dir, &["export", "guru", "kb", "-o", "out.zip"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out)
            .contains("exported 4 published cards in 3 folders and 1 resource file to out.zip"),
        "{}",
        stdout(&out)
    );
    // Deterministic: the same root gives the same bytes.
    let first = fs::read(dir.join("out.zip")).unwrap();
    vouch(dir, &["export", "guru", "kb", "-o", "out.zip"]);
    assert_eq!(first, fs::read(dir.join("out.zip")).unwrap());

    let out = import(
        dir,
        &dir.join("out.zip"),
        "back",
        &["--owner", "ana", "-c", "acme"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    for id in [
        "support/refunds",
        "support/nested/deep",
        "billing/vat",
        "top",
    ] {
        let original = text(dir.join(format!("kb/{id}.md")));
        let imported = text(dir.join(format!("back/acme/{id}.md")));
        let field = |card: &str, key: &str| -> Option<String> {
            card.lines()
                .find_map(|l| l.strip_prefix(&format!("{key}: ")).map(str::to_owned))
        };
        let title =
            |card: &str| field(card, "title").map(|t| t.trim_matches('"').replace("\\\"", "\""));
        assert_eq!(title(&imported), title(&original), "{id}");
        let tags = |card: &str| -> Vec<String> {
            field(card, "tags")
                .map(|t| {
                    t.trim_matches(['[', ']'])
                        .split(", ")
                        .map(|s| s.trim_matches('"').to_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(tags(&imported), tags(&original), "{id}");
        let body = |card: &str| {
            card.splitn(3, "---\n")
                .nth(2)
                .unwrap()
                .trim_end()
                .to_owned()
        };
        // Linked files move to the collection's resources/ folder.
        let expected =
            body(&original).replace("../images/flow.png", "../resources/images/flow.png");
        assert_eq!(body(&imported), expected, "{id}");
    }
    assert!(!dir.join("back/acme/billing/draft.md").exists());
    assert_eq!(
        fs::read(dir.join("back/acme/resources/images/flow.png")).unwrap(),
        b"\x89PNG\r\n\x1a\npng bytes"
    );
    let check = vouch(dir, &["check", "back", "--today", "2026-11-25"]);
    assert!(
        stdout(&check).contains("4 cards: 0 errors, 0 warnings"),
        "{}",
        stdout(&check)
    );
}

#[test]
fn export_needs_a_file_and_leaves_nothing_half_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir_all(dir.join("kb")).unwrap();
    fs::write(dir.join("kb/vouch.yaml"), "title: T\n").unwrap();
    fs::create_dir(dir.join("out")).unwrap();
    let out = vouch(dir, &["export", "guru", "kb", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a folder"));
    let out = vouch(dir, &["export", "guru", "kb", "-o", "missing/dir/out.zip"]);
    assert_eq!(out.status.code(), Some(2));
    let names: Vec<String> = tree(dir).into_keys().collect();
    assert_eq!(names, ["kb/vouch.yaml"]);
}

#[test]
fn a_bundle_written_by_gurus_sdk_imports_without_noise() {
    // The SDK's shape: dotted ids (one ending like a file name), cards at
    // the top that collection.yaml does not list, a table with no header.
    let tmp = tempfile::tempdir().unwrap();
    let out = import(
        tmp.path(),
        &Path::new(FIXTURES).join("sdk"),
        "kb",
        &["--owner", "me"],
    );
    let said = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(!said.contains("warning"), "no noise: {said}");
    let refunds = text(tmp.path().join("kb/sdk/billing/refunds.md"));
    assert!(
        refunds.contains("See [the overview](../overview.md) and [the plans](refunds.md#plans)."),
        "{refunds}"
    );
    assert!(
        refunds.contains("| Plan | Annual |\n| --- | --- |\n\n| Kept  |\n| ----- |\n| as is |"),
        "{refunds}"
    );
    let overview = text(tmp.path().join("kb/sdk/overview.md"));
    assert!(
        overview.contains("[refunds](billing/refunds.md)"),
        "{overview}"
    );
    // Built, the links lead to the pages and the table is a table.
    let check = vouch(
        &tmp.path().join("kb"),
        &["check", "--today", "2026-11-25", "--format", "json"],
    );
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let site = tmp.path().join("site");
    let build = vouch(
        &tmp.path().join("kb"),
        &[
            "build",
            "-o",
            site.to_str().unwrap(),
            "--today",
            "2026-11-25",
            "--quiet",
        ],
    );
    assert_eq!(build.status.code(), Some(0));
    let page = text(site.join("sdk/billing/refunds/index.html"));
    assert!(
        page.contains("<a href=\"../../../sdk/overview/\""),
        "{page}"
    );
    assert!(page.contains("<th>Plan</th><th>Annual</th>"), "{page}");
}
