//! Trust rules a team relies on: a `verified` date in the future vouches
//! for nothing, and a typo'd owner or verifier gets a "did you mean".

use std::fs;
use std::process::Command;

fn root() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    fs::create_dir_all(root.join("support")).unwrap();
    fs::write(root.join("vouch.yaml"), "").unwrap();
    fs::write(
        root.join("owners.yaml"),
        "people:\n  maria:\n    name: Maria\nteams:\n  billing:\n    members: [maria]\n",
    )
    .unwrap();
    tmp
}

fn card(verified: &str) -> String {
    format!(
        "---\ntitle: A\nowners: [billing]\nverified: {verified}\nverified_by: maria\n---\nBody.\n"
    )
}

fn vouch(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    vouch_below(dir, dir, args)
}

/// Runs vouch in `dir`, where git looks for repositories no higher than
/// below `ceiling`; returns the exit status and everything it printed.
fn vouch_below(
    dir: &std::path::Path,
    ceiling: &std::path::Path,
    args: &[&str],
) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .current_dir(dir)
        .args(args)
        .env("GIT_CEILING_DIRECTORIES", ceiling)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn a_verified_date_in_the_future_is_an_error_and_vouches_for_nothing() {
    let tmp = root();
    let kb = tmp.path().join("kb");
    fs::write(kb.join("support/never-stale.md"), card("9999-12-31")).unwrap();
    // East of UTC it may already be tomorrow: that is not the future.
    fs::write(kb.join("support/tomorrow.md"), card("2026-11-26")).unwrap();
    let (status, said) = vouch(tmp.path(), &["check", "kb", "--today", "2026-11-25"]);
    assert_eq!(status, Some(1), "{said}");
    assert!(
        said.contains(
            "error[invalid-date]: `verified: 9999-12-31` is in the future (today is 2026-11-25)"
        ),
        "{said}"
    );
    assert!(!said.contains("2026-11-26` is in the future"), "{said}");
    // On the site and in cards.json the card is unverified, not fresh.
    let site = tmp.path().join("site");
    vouch(
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
    let cards = fs::read_to_string(site.join("cards.json")).unwrap();
    let line = cards.lines().find(|l| l.contains("never-stale")).unwrap();
    assert!(line.contains("\"state\":\"unverified\""), "{line}");
}

#[test]
fn a_typo_in_an_owner_or_a_verifier_gets_a_did_you_mean() {
    let tmp = root();
    let kb = tmp.path().join("kb");
    fs::write(kb.join("support/a.md"), card("2026-11-01")).unwrap();
    let (status, said) = vouch(
        tmp.path(),
        &[
            "verify",
            "kb/support/a.md",
            "--by",
            "mraia",
            "--today",
            "2026-11-25",
        ],
    );
    assert_eq!(status, Some(1), "{said}");
    assert!(
        said.contains("`mraia` is not in owners.yaml; did you mean `maria`?"),
        "{said}"
    );
    let (status, said) = vouch(
        &kb,
        &[
            "new",
            "faq",
            "Refunds?",
            "--collection",
            "support",
            "--owner",
            "biling",
            "--today",
            "2026-11-25",
        ],
    );
    assert_eq!(status, Some(2), "{said}");
    assert!(
        said.contains("`biling` is not in owners.yaml; did you mean `billing`?"),
        "{said}"
    );
    assert!(!kb.join("support/refunds.md").exists());
}

#[test]
fn the_root_is_found_by_walking_up_and_its_absence_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    fs::create_dir_all(repo.join("knowledge/support/deep")).unwrap();
    fs::create_dir_all(repo.join(".github/workflows")).unwrap();
    fs::write(repo.join("knowledge/vouch.yaml"), "").unwrap();
    fs::write(
        repo.join("knowledge/support/a.md"),
        "---\ntitle: A\nowners: [x]\nverified: 2020-01-01\n---\nBody.\n",
    )
    .unwrap();
    let check = |dir: &std::path::Path| {
        vouch_below(
            dir,
            tmp.path(),
            &["check", "--today", "2026-11-25", "--color", "never"],
        )
    };
    for (dir, path) in [
        (repo.clone(), "knowledge/support/a.md"),
        (repo.join("knowledge/support/deep"), "../../support/a.md"),
        (
            repo.join(".github/workflows"),
            "../../knowledge/support/a.md",
        ),
    ] {
        let (status, said) = check(&dir);
        assert_eq!(status, Some(1), "{}: {said}", dir.display());
        assert!(
            said.contains(&format!("--> {path}:4:11")),
            "{}: {said}",
            dir.display()
        );
        assert!(said.contains("1 card:"), "{said}");
    }
    // A folder with no root above it, up to the repository's top: exit 2.
    let other = tmp.path().join("other");
    fs::create_dir_all(other.join(".git")).unwrap();
    fs::create_dir_all(other.join("notes")).unwrap();
    let (status, said) = check(&other.join("notes"));
    assert_eq!(status, Some(2), "{said}");
    assert!(
        said.contains("no vouch.yaml here or above") && said.contains("vouch init"),
        "{said}"
    );
}

#[test]
fn a_folder_that_is_not_a_root_is_refused_and_skipped_files_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| {
        let mut all = vec!["check", "--today", "2026-11-25", "--color", "never"];
        all.extend_from_slice(args);
        vouch(tmp.path(), &all)
    };
    // A plain Markdown handbook: not a root, and no "no front matter" noise.
    fs::create_dir_all(tmp.path().join("handbook")).unwrap();
    fs::write(tmp.path().join("handbook/intro.md"), "# Intro\n").unwrap();
    fs::write(tmp.path().join("handbook/more.md"), "# More\n").unwrap();
    let (status, said) = at(&["handbook"]);
    assert_eq!(status, Some(2), "{said}");
    assert!(
        said.contains("`handbook` is not a knowledge root: it holds no vouch.yaml (it has 2 Markdown files at its top)")
            && said.contains("run `vouch init handbook`")
            && !said.contains("front matter"),
        "{said}"
    );
    // An empty folder does not pass.
    fs::create_dir_all(tmp.path().join("empty")).unwrap();
    let (status, said) = at(&["empty"]);
    assert_eq!(status, Some(2), "{said}");
    // A folder inside a root says which root it belongs to.
    fs::create_dir_all(tmp.path().join("kb/support")).unwrap();
    fs::write(tmp.path().join("kb/vouch.yaml"), "").unwrap();
    let (status, said) = at(&["kb/support"]);
    assert_eq!(status, Some(2), "{said}");
    assert!(said.contains("it is inside the knowledge root"), "{said}");
    // MDX and other Markdown spellings are named, not silently skipped.
    fs::write(
        tmp.path().join("kb/support/a.md"),
        "---\ntitle: A\nowners: [x]\nverified: 2026-11-20\n---\nBody.\n",
    )
    .unwrap();
    fs::write(tmp.path().join("kb/support/b.mdx"), "# B\n<Tabs/>\n").unwrap();
    fs::write(tmp.path().join("kb/support/c.markdown"), "# C\n").unwrap();
    let (status, said) = at(&["kb"]);
    assert_eq!(status, Some(0), "{said}");
    assert!(
        said.contains("warning[skipped-file]: `b.mdx` is MDX")
            && said.contains("--> kb/support/b.mdx")
            && said.contains("warning[skipped-file]: `c.markdown` is not read as a card")
            && said.contains("1 card:"),
        "{said}"
    );
}

#[test]
fn a_guru_import_arrives_unverified_unless_asked() {
    let bundle = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/guru/bundle");
    let tmp = tempfile::tempdir().unwrap();
    let (status, said) = vouch(
        tmp.path(),
        &[
            "import",
            "guru",
            bundle,
            "--into",
            "kb",
            "--owner",
            "ana",
            "--today",
            "2026-11-25",
        ],
    );
    assert_eq!(status, Some(0), "{said}");
    assert!(said.contains("needs verifying"), "{said}");
    let card = fs::read_to_string(tmp.path().join("kb/bundle/billing/refunds-annual-plans.md"))
        .or_else(|_| {
            walkdir::WalkDir::new(tmp.path().join("kb"))
                .into_iter()
                .filter_map(Result::ok)
                .find(|e| e.path().extension().is_some_and(|x| x == "md"))
                .map(|e| fs::read_to_string(e.path()).unwrap())
                .ok_or(())
        })
        .unwrap();
    assert!(!card.contains("verified:"), "{card}");
    let (status, said) = vouch(tmp.path(), &["check", "kb", "--today", "2026-11-25"]);
    assert_eq!(status, Some(1));
    assert!(said.contains("card has no `verified` date"), "{said}");
}

#[test]
fn named_cards_are_checked_alone_against_their_root() {
    let tmp = root();
    let kb = tmp.path().join("kb");
    fs::write(kb.join("support/good.md"), card("2026-11-20")).unwrap();
    fs::write(kb.join("support/stale.md"), card("2020-01-01")).unwrap();
    fs::write(
        kb.join("support/links.md"),
        "---\ntitle: L\nowners: [billing]\nverified: 2026-11-20\nverified_by: maria\n---\n[good](good.md) [gone](gone.md)\n",
    )
    .unwrap();
    // Only the named cards are reported, but links resolve in the whole root.
    let (status, said) = vouch(
        tmp.path(),
        &[
            "check",
            "kb/support/good.md",
            "kb/support/links.md",
            "--today",
            "2026-11-25",
        ],
    );
    assert_eq!(status, Some(1), "{said}");
    assert!(said.contains("`gone.md` does not lead to a card"), "{said}");
    assert!(!said.contains("stale.md"), "{said}");
    assert!(
        said.contains("2 cards: 1 error, 0 warnings, 0 stale"),
        "{said}"
    );
    let (status, said) = vouch(
        tmp.path(),
        &["check", "kb/support/good.md", "--today", "2026-11-25"],
    );
    assert_eq!(status, Some(0), "{said}");
    let (status, said) = vouch(
        tmp.path(),
        &[
            "check",
            "kb/support/good.md",
            "kb/vouch.yaml",
            "--today",
            "2026-11-25",
        ],
    );
    assert_eq!(status, Some(2), "{said}");
    assert!(
        said.contains("`kb/vouch.yaml` is not a card of the knowledge root"),
        "{said}"
    );
}

#[test]
fn codeowners_follows_owners_yaml() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir_all(repo.join("kb/support")).unwrap();
    assert!(
        Command::new("git")
            .args(["init", "-q"])
            .current_dir(&repo)
            .status()
            .unwrap()
            .success()
    );
    fs::write(repo.join("kb/vouch.yaml"), "").unwrap();
    fs::write(
        repo.join("kb/owners.yaml"),
        "people:\n  maria:\n    github: msilva\n  joao: {}\n  ines:\n    github: \"@ines\"\nteams:\n  billing:\n    github: \"@acme/billing\"\n    members: [maria]\n  docs:\n    members: [ines, joao]\n",
    )
    .unwrap();
    // git must find this repository (and no other above it).
    let vouch = |dir: &std::path::Path, args: &[&str]| vouch_below(dir, tmp.path(), args);
    let card = |owners: &str| {
        format!("---\ntitle: A\nowners: [{owners}]\nverified: 2026-11-20\n---\nA.\n")
    };
    fs::write(repo.join("kb/support/refunds.md"), card("billing, maria")).unwrap();
    fs::write(repo.join("kb/support/guide.md"), card("docs")).unwrap();
    fs::write(repo.join("kb/support/orphan.md"), card("joao")).unwrap();
    let (status, said) = vouch(&repo, &["codeowners", "kb"]);
    assert_eq!(status, Some(0), "{said}");
    let text = fs::read_to_string(repo.join(".github/CODEOWNERS")).unwrap();
    assert_eq!(
        text,
        "# Written by `vouch codeowners` from owners.yaml: regenerate it, do not edit.\n\
         # Each card's owners review changes to it.\n\n\
         /kb/support/guide.md @ines\n\
         # /kb/support/orphan.md: no owner has a GitHub handle in owners.yaml\n\
         /kb/support/refunds.md @acme/billing @msilva\n"
    );
    assert_eq!(vouch(&repo, &["codeowners", "kb", "--check"]).0, Some(0));
    fs::write(repo.join("kb/support/orphan.md"), card("maria")).unwrap();
    let (status, said) = vouch(&repo, &["codeowners", "kb", "--check"]);
    assert_eq!(status, Some(1), "{said}");
    assert!(said.contains("out of date"), "{said}");
    // `check` says so too, as a warning at the file.
    let (_, said) = vouch(
        &repo,
        &["check", "kb", "--today", "2026-11-25", "--color", "never"],
    );
    assert!(
        said.contains("warning[codeowners-outdated]: CODEOWNERS no longer matches"),
        "{said}"
    );
    vouch(&repo, &["codeowners", "kb"]);
    let (_, said) = vouch(&repo, &["check", "kb", "--today", "2026-11-25"]);
    assert!(!said.contains("codeowners-outdated"), "{said}");
    // A CODEOWNERS someone wrote by hand is not replaced.
    fs::write(repo.join(".github/CODEOWNERS"), "* @someone\n").unwrap();
    let (status, said) = vouch(&repo, &["codeowners", "kb"]);
    assert_eq!(status, Some(2), "{said}");
    assert_eq!(
        fs::read_to_string(repo.join(".github/CODEOWNERS")).unwrap(),
        "* @someone\n"
    );
}
