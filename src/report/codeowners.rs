//! `.github/CODEOWNERS` from `owners.yaml`: each card's path and the GitHub
//! users and teams that own it, so GitHub asks an owner to review a pull
//! request that touches their cards. Written by `vouch codeowners`.

use std::fmt::Write as _;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};

use crate::resolve::{Model, Ownership};

/// The first line of the file vouch writes: how `check` knows it is vouch's.
pub const HEADER: &str =
    "# Written by `vouch codeowners` from owners.yaml: regenerate it, do not edit.";

/// The file's text: a line per card whose owners have GitHub handles, and
/// one per file cards show (`Model::shown_files`) with the owners of those
/// cards, in path order; paths whose owners have none are listed as
/// comments.
pub fn codeowners(model: &Model) -> String {
    let prefix = model
        .repo_prefix
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(|p| format!("{}/", p.trim_end_matches('/')))
        .unwrap_or_default();
    let handles_of = |cards: &mut dyn Iterator<Item = &crate::resolve::Entry>| {
        let mut handles: Vec<String> = Vec::new();
        for e in cards {
            for owner in &e.owners {
                for handle in github_handles(owner, model) {
                    if !handles.contains(&handle) {
                        handles.push(handle);
                    }
                }
            }
        }
        handles
    };
    let mut entries: Vec<(String, Vec<String>)> = model
        .cards
        .iter()
        .map(|e| {
            (
                format!("/{prefix}{}", e.card.rel_path),
                handles_of(&mut std::iter::once(e)),
            )
        })
        .collect();
    // A file that cards show (an image, a partial, a collection's settings)
    // is reviewed by the owners of every card that shows it.
    for (rel, cards) in model.shown_files() {
        let handles = handles_of(&mut cards.iter().map(|&i| &model.cards[i]));
        entries.push((format!("/{prefix}{rel}"), handles));
    }
    entries.sort();
    let mut out = format!("{HEADER}\n# Each card's owners review changes to it.\n\n");
    for (path, handles) in entries {
        if let Some(why) = unwritable(&path) {
            // Left out, named only escaped: a newline in a file name must
            // not add a rule (`* @mallory`), a `*` not widen one.
            let _ = writeln!(out, "# left out, {why}: {}", path.escape_debug());
            continue;
        }
        // CODEOWNERS paths are gitignore patterns: escape what would match more.
        let path = path.replace(' ', "\\ ").replace('#', "\\#");
        if handles.is_empty() {
            let _ = writeln!(out, "# {path}: no owner has a GitHub handle in owners.yaml");
        } else {
            let _ = writeln!(out, "{path} {}", handles.join(" "));
        }
    }
    out
}

/// Why a card's path cannot be a CODEOWNERS rule as written, if it cannot:
/// a control or bidi character (a line break would add a rule of its
/// own), or a character GitHub reads as a pattern (`*`, `?`, `[`, `]`, `!`)
/// or an escape (`\\`), which would make the rule match other files.
pub fn unwritable(path: &str) -> Option<&'static str> {
    if path
        .chars()
        .any(|c| c.is_control() || crate::diagnostic::is_bidi_control(c))
    {
        Some("its path holds control characters (rename the file)")
    } else if path.contains(['*', '?', '[', ']', '!', '\\']) {
        Some(
            "its path holds a pattern character: `*`, `?`, `[`, `]`, `!` or `\\` (rename the file)",
        )
    } else {
        None
    }
}

/// `@login` for a person, `@org/team` for a team (or its members' logins
/// when the team has no GitHub team).
fn github_handles(owner: &Ownership, model: &Model) -> Vec<String> {
    let at = |h: &str| format!("@{}", h.trim_start_matches('@'));
    let Some(o) = owner.owner() else {
        return Vec::new();
    };
    if let Some(github) = &o.github {
        return vec![at(github)];
    }
    match (&o.kind, model.ws.registry.as_ref()) {
        (crate::model::owners::OwnerKind::Team { members }, Some(registry)) => members
            .iter()
            .filter_map(|m| registry.get(m))
            .filter(|p| p.is_active_person())
            .filter_map(|p| p.github.as_deref().map(at))
            .collect(),
        _ => Vec::new(),
    }
}

/// `codeowners-outdated` when the repository at `top` has a CODEOWNERS that
/// vouch wrote and that no longer says what `owners.yaml` and the cards say.
pub fn outdated(model: &Model, top: &Path) -> Option<Diagnostic> {
    model.ws.registry.as_ref()?;
    let path = top.join(".github/CODEOWNERS");
    let current = std::fs::read_to_string(&path).ok()?;
    if !current.starts_with(HEADER) || current == codeowners(model) {
        return None;
    }
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or(path);
    Some(
        Diagnostic::file(
            Code::CodeownersOutdated,
            shown,
            "CODEOWNERS no longer matches the cards' owners in owners.yaml",
        )
        .with_help("run `vouch codeowners` and commit the file"),
    )
}
