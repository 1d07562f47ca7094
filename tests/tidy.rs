//! The architecture, held by a test (as rust-analyzer's `tidy` tests do): the
//! pipeline reads `load → model → resolve → validate / render / search →
//! output`, and a module may use only the modules this file allows it.
//! Commands sit on top; no library module uses `cmd`; only `git` and
//! `history` run git. A newcomer learns the layering here.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Modules every layer may use: text, spans, diagnostics, files, and the
/// benchmarks' phase clock.
const FOUNDATION: &[&str] = &[
    "timing",
    "source",
    "diagnostic",
    "stamp",
    "yaml",
    "front_matter",
    "markdown",
    "urlpath",
    "rewrite",
    "edit",
    "write",
    "asset",
];

/// Each top-level module of `src/` and what it may use besides itself.
fn allowed() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    let with = |extra: &[&'static str]| -> BTreeSet<&'static str> {
        FOUNDATION.iter().chain(extra).copied().collect()
    };
    let mut rules = BTreeMap::new();
    // The foundation: each uses only what comes before it in its own line.
    rules.insert("timing", BTreeSet::new());
    rules.insert("source", BTreeSet::new());
    rules.insert("stamp", BTreeSet::new());
    rules.insert("yaml", BTreeSet::new());
    rules.insert("front_matter", BTreeSet::new());
    rules.insert("markdown", BTreeSet::new());
    rules.insert("urlpath", BTreeSet::new());
    rules.insert("rewrite", BTreeSet::new());
    rules.insert("write", BTreeSet::new());
    // The asset policy: which linked files are inert enough to publish.
    rules.insert("asset", BTreeSet::new());
    rules.insert("diagnostic", ["source"].into());
    rules.insert("edit", ["front_matter", "yaml", "stamp"].into());
    // git: the only modules that run it.
    rules.insert("git", BTreeSet::new());
    rules.insert("history", ["git", "front_matter"].into());
    // The pipeline.
    rules.insert("model", with(&[]));
    rules.insert("load", with(&["model"]));
    rules.insert("resolve", with(&["load", "model", "history", "git"]));
    rules.insert(
        "validate",
        with(&["resolve", "load", "model", "history", "git"]),
    );
    rules.insert("search", with(&["resolve", "load", "model"]));
    rules.insert("render", with(&["resolve", "search", "load", "model"]));
    rules.insert("report", with(&["validate", "resolve", "load", "model"]));
    rules.insert("guru", with(&["resolve", "load", "model"]));
    rules.insert(
        "live",
        with(&["render", "validate", "resolve", "load", "model"]),
    );
    // The dev server's HTTP side knows nothing of knowledge roots.
    rules.insert("serve", ["urlpath"].into());
    // Commands turn options into library calls.
    rules.insert("cmd", BTreeSet::new());
    rules
}

/// The code of a file without its `#[cfg(test)]` module and comments.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `.rs` file of `src/` by path, with its top-level module.
fn sources() -> Vec<(String, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let top = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_owned();
        out.push((rel, top, fs::read_to_string(entry.path()).unwrap()));
    }
    out
}

/// The top-level modules a file's code names as `crate::NAME`.
fn uses(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
            out.insert(name);
        }
    }
    out
}

#[test]
fn modules_use_only_what_the_pipeline_allows() {
    let rules = allowed();
    let mut broken = Vec::new();
    for (rel, top, text) in sources() {
        if top == "main" || top == "lib" {
            continue;
        }
        let Some(allowed) = rules.get(top.as_str()) else {
            broken.push(format!(
                "{rel}: the module `{top}` has no place in tests/tidy.rs"
            ));
            continue;
        };
        for used in uses(&code(&text)) {
            // `crate::utc_today` and friends live in lib.rs.
            let is_module = rules.contains_key(used.as_str());
            if used == top || !is_module || top == "cmd" || allowed.contains(used.as_str()) {
                continue;
            }
            broken.push(format!("{rel}: `{top}` may not use `crate::{used}`"));
        }
    }
    assert!(
        broken.is_empty(),
        "imports against the pipeline:\n{}",
        broken.join("\n")
    );
}

#[test]
fn no_library_module_uses_the_commands() {
    for (rel, top, text) in sources() {
        if top != "cmd" && top != "main" {
            assert!(
                !uses(&code(&text)).contains("cmd"),
                "{rel} uses `crate::cmd`: move what it needs into the library"
            );
        }
    }
}

#[test]
fn only_git_and_history_run_git() {
    for (rel, top, text) in sources() {
        if top == "git" || top == "history" {
            continue;
        }
        assert!(
            !code(&text).contains("Command::new(\"git\")"),
            "{rel} runs git: ask `crate::git` instead"
        );
    }
}

#[test]
fn every_module_says_why_it_exists() {
    for (rel, _, text) in sources() {
        assert!(
            text.starts_with("//!"),
            "{rel} has no `//!` module comment saying why it exists"
        );
    }
}

#[test]
fn the_rules_know_every_module_of_lib_rs() {
    let lib = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")).unwrap();
    let declared: BTreeSet<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    let rules = allowed();
    let known: BTreeSet<&str> = rules.keys().copied().collect();
    assert_eq!(
        declared, known,
        "lib.rs and tests/tidy.rs list the same modules"
    );
}

#[test]
fn the_checker_sees_imports() {
    let sample = "use crate::render::Site;\n// crate::cmd in a comment\nfn f() { crate::git::git(); }\n#[cfg(test)]\nmod tests { use crate::live; }";
    let found = uses(&code(sample));
    assert_eq!(
        found,
        ["git", "render"].into_iter().map(String::from).collect()
    );
}
