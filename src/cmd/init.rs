//! `vouch init [DIR]`: a ready knowledge root — commented `vouch.yaml`, an
//! `owners.yaml`, a collection with an example card per built-in template —
//! and GitHub workflows for pull-request checks, weekday reports and
//! publishing the site. Writes nothing when any of its files exists.

use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::cmd::exit;
use crate::model::template::Templates;

#[derive(Debug, Clone)]
pub struct Options {
    /// The root to create; default `knowledge`.
    pub dir: Option<PathBuf>,
    pub today: Date,
}

const VOUCH_YAML: &str = include_str!("../../templates/init/vouch.yaml");
const OWNERS_YAML: &str = include_str!("../../templates/init/owners.yaml");
const COLLECTION_YAML: &str = include_str!("../../templates/init/_collection.yaml");
const WORKFLOWS: &[(&str, &str)] = &[
    (
        "vouch-check.yml",
        include_str!("../../templates/init/vouch-check.yml"),
    ),
    (
        "vouch-report.yml",
        include_str!("../../templates/init/vouch-report.yml"),
    ),
    (
        "vouch-pages.yml",
        include_str!("../../templates/init/vouch-pages.yml"),
    ),
];
/// The composite action the workflows install vouch with.
const INSTALL_ACTION: (&str, &str) = (
    ".github/actions/install-vouch/action.yml",
    include_str!("../../templates/init/install-vouch.yml"),
);

/// The GitHub repository (`owner/name`) whose releases carry vouch's
/// binaries: the package's `repository` in Cargo.toml when it is on GitHub,
/// else empty (the generated action then compiles vouch).
pub fn release_repository() -> &'static str {
    let url = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    let url = url.strip_suffix(".git").unwrap_or(url);
    url.strip_prefix("https://github.com/")
        .filter(|rest| rest.split('/').count() == 2)
        .unwrap_or("")
}

/// A generated GitHub file with its placeholders filled in.
fn fill(text: &str, root_in_repo: &str, branch: &str) -> String {
    text.replace("ROOT", root_in_repo)
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
        .replace("@RELEASES@", release_repository())
        .replace("@BRANCH@", branch)
}

/// The branch the workflows run on: the repository's current branch (what
/// `git init` named it: `main` or `master`), as a YAML flow item; `main`
/// outside git or on a detached HEAD.
fn workflow_branch(top: &std::path::Path) -> String {
    let current = crate::git::git(top, &["symbolic-ref", "--short", "-q", "HEAD"])
        .ok()
        .map(|out| String::from_utf8_lossy(&out).trim().to_owned())
        .filter(|b| !b.is_empty());
    let branch = current.unwrap_or_else(|| "main".to_owned());
    let plain = branch
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'));
    if plain {
        branch
    } else {
        crate::yaml::double_quoted(&branch)
    }
}

/// An example card of `template`: its guidance turned into the text to replace.
fn example(key: &str, templates: &Templates, today: Date) -> Option<String> {
    let t = templates.get(key)?;
    let mut front = format!("---\ntitle: \"Example: {}\"\n", t.name.replace('"', "'"));
    if key != "card" {
        front.push_str(&format!("type: {key}\n"));
    }
    front.push_str(&format!(
        "verified: {today}\nverified_by: alex\ntags: [example]\n"
    ));
    for field in &t.required_fields {
        let value = if field.ends_with("date") {
            today.to_string()
        } else {
            "alex".to_owned()
        };
        front.push_str(&format!("{field}: {value}\n"));
    }
    front.push_str("---\n");
    let mut body = String::new();
    let mut rest = t.body.as_str();
    while let Some(start) = rest.find("<!-- guidance:") {
        body.push_str(&rest[..start]);
        let after = &rest[start + "<!-- guidance:".len()..];
        let end = after.find("-->").unwrap_or(after.len());
        body.push_str("Replace this text. ");
        body.push_str(after[..end].trim());
        rest = after.get(end + 3..).unwrap_or("");
    }
    body.push_str(rest);
    Some(front + body.trim_start())
}

pub fn run(opts: &Options) -> anyhow::Result<i32> {
    let dir = opts
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("knowledge"));
    let top = repository_top(&dir);
    let root_in_repo = relative_to(&dir, &top);
    let branch = workflow_branch(&top);
    let templates = Templates::built_in();

    let mut files: Vec<(PathBuf, String)> = vec![
        (dir.join("vouch.yaml"), VOUCH_YAML.to_owned()),
        (dir.join("owners.yaml"), OWNERS_YAML.to_owned()),
        (
            dir.join("examples/_collection.yaml"),
            COLLECTION_YAML.to_owned(),
        ),
    ];
    for key in templates.by_key.keys() {
        if let Some(card) = example(key, &templates, opts.today) {
            files.push((dir.join(format!("examples/{key}.md")), card));
        }
    }
    for (name, text) in WORKFLOWS {
        files.push((
            top.join(".github/workflows").join(name),
            fill(text, &root_in_repo, &branch),
        ));
    }
    files.push((
        top.join(INSTALL_ACTION.0),
        fill(INSTALL_ACTION.1, &root_in_repo, &branch),
    ));

    let existing: Vec<&PathBuf> = files
        .iter()
        .map(|(p, _)| p)
        .filter(|p| fs::symlink_metadata(p).is_ok())
        .collect();
    if !existing.is_empty() {
        eprintln!("error: vouch init writes nothing over existing files, and these exist:");
        for p in existing {
            eprintln!("  {}", p.display());
        }
        return Ok(exit::USAGE);
    }
    for (path, text) in &files {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        crate::write::create_file(path, text.as_bytes())?;
        println!("created {}", path.display());
    }
    // The built site is output, not source: keep it out of git.
    let site = crate::render::default_output(&dir);
    let ignored = format!("/{}/", relative_to(&site, &top));
    match ignore(&top.join(".gitignore"), &ignored) {
        Ok(true) => println!("added {ignored} to {}", top.join(".gitignore").display()),
        Ok(false) => {}
        Err(e) => eprintln!("warning: cannot add {ignored} to .gitignore: {e}"),
    }
    let root = dir.display();
    println!("the workflows run on pushes to `{branch}`, this repository's current branch");
    println!(
        "\nNext:\n  1. list your people and teams in {}, with their GitHub handles\n  2. `vouch check {root}`, then `vouch new faq \"A question\" --collection examples`\n  3. `vouch codeowners {root}` writes .github/CODEOWNERS from owners.yaml, so GitHub asks a card's owners to review every pull request that changes it",
        dir.join("owners.yaml").display(),
    );
    Ok(exit::OK)
}

/// Adds the line `entry` to the `.gitignore` at `path` unless a line already
/// says it, keeping every byte already there; returns whether it added it.
fn ignore(path: &Path, entry: &str) -> std::io::Result<bool> {
    let old = match fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let bare = entry.trim_matches('/');
    if let Some(text) = &old
        && text.lines().any(|l| l.trim().trim_matches('/') == bare)
    {
        return Ok(false);
    }
    let mut text = old.clone().unwrap_or_default();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(entry);
    text.push('\n');
    match old {
        Some(_) => crate::write::replace_file(path, text.as_bytes())?,
        None => crate::write::create_file(path, text.as_bytes())?,
    }
    Ok(true)
}

/// The top of the git work tree around `dir`'s parent, else the current folder.
fn repository_top(dir: &Path) -> PathBuf {
    let probe = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty() && p.is_dir())
        .unwrap_or(Path::new("."));
    match crate::git::Repo::discover(probe) {
        Ok(repo) => {
            let cwd = std::env::current_dir().unwrap_or_default();
            let top = fs::canonicalize(&repo.top).unwrap_or(repo.top);
            top.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(top)
        }
        Err(_) => PathBuf::new(),
    }
}

/// `dir` as written in workflow files, relative to the repository's top.
fn relative_to(dir: &Path, top: &Path) -> String {
    let dir = dir.strip_prefix(top).unwrap_or(dir);
    let text = dir.to_string_lossy().replace('\\', "/");
    if text.is_empty() {
        ".".to_owned()
    } else {
        text
    }
}
