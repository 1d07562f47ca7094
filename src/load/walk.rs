//! Walking a root for cards. Symbolic links are never followed out of the root,
//! and symlinked folders are not followed at all (their cards are read where
//! they really live), so a link loop cannot make the walk spin.

use std::fs;
use std::path::Path;

use walkdir::WalkDir;

use crate::diagnostic::Code;

use crate::write::OUTPUT_MARKER;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardPath {
    /// Path under the root, with `/` separators.
    pub rel: String,
}

/// A problem found while walking: (path under the root, code, message, help).
pub type WalkProblem = (String, Code, String, Option<String>);

#[derive(Debug, Default)]
pub struct Walked {
    pub cards: Vec<CardPath>,
    /// Top-level folders, each a collection.
    pub collections: Vec<String>,
    pub problems: Vec<WalkProblem>,
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

/// `*.md`, and tech-docs-gem's (Middleman's) `*.md.erb`.
fn is_card_name(name: &str) -> bool {
    name.ends_with(".md") || name.ends_with(".md.erb")
}

/// Why a file that looks like Markdown is not read as a card, if it is one.
fn not_a_card(name: &str) -> Option<(String, &'static str)> {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
    match ext {
        "mdx" => Some((
            format!(
                "`{name}` is MDX (Markdown with JSX components), which vouch does not read: skipped"
            ),
            "rename it to `.md` if it is plain Markdown; JSX is not rendered",
        )),
        "markdown" | "mdown" | "mkd" | "mkdn" | "mdwn" => Some((
            format!("`{name}` is not read as a card: vouch reads `.md` files"),
            "rename it to `.md`",
        )),
        "md" if name != lower && !name.ends_with(".md") => Some((
            format!("`{name}` is not read as a card: vouch reads files ending in lower-case `.md`"),
            "rename it to end in `.md`",
        )),
        _ => None,
    }
}

/// Lists the cards under `root` in a stable (sorted) order.
pub fn walk(root: &Path, canonical_root: &Path) -> Walked {
    let mut out = Walked::default();
    let mut marked = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() == 0 {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            if is_hidden(&name) {
                return false;
            }
            if entry.file_type().is_dir() {
                if entry.depth() == 1 && name == "templates" {
                    return false;
                }
                if entry.path().join(OUTPUT_MARKER).exists() {
                    marked.push(entry.path().to_path_buf());
                    return false;
                }
                return true;
            }
            true
        });
    let entries: Vec<_> = walker.collect();
    // A folder marked as a built site is not read; unless it is the default
    // `site/` of a root that is the working folder, say so: a marker
    // committed into a collection must not hide its cards without a word.
    for dir in &marked {
        let rel = dir.strip_prefix(root).map(rel_string).unwrap_or_default();
        if rel != "site" {
            out.problems.push((
                rel.clone(),
                Code::SkippedSite,
                format!("`{rel}/` holds `{OUTPUT_MARKER}`, the mark of a site vouch built, so nothing in it is read as cards"),
                Some(format!("if `{rel}/` is not a built site, remove `{rel}/{OUTPUT_MARKER}`; build sites outside the root")),
            ));
        }
    }
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let rel = e
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map(rel_string)
                    .unwrap_or_default();
                out.problems.push((
                    rel,
                    Code::UnreadableFile,
                    format!("cannot read this folder: {e}"),
                    Some("check the folder's permissions".to_owned()),
                ));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let Ok(rel_path) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel_string(rel_path);
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_dir() {
            if entry.depth() == 1 {
                out.collections.push(rel);
            }
            continue;
        }
        if entry.path_is_symlink()
            && let Some(problem) = check_symlink(entry.path(), canonical_root, &rel)
        {
            out.problems.push(problem);
            continue;
        }
        let regular =
            entry.file_type().is_file() || (entry.path_is_symlink() && entry.path().is_file());
        if is_card_name(&name) {
            if regular {
                out.cards.push(CardPath { rel });
            } else {
                // A FIFO or device named `*.md` would block or never end a read.
                out.problems.push((
                    rel,
                    Code::UnreadableFile,
                    "not a regular file; skipped".to_owned(),
                    Some("cards must be regular files: remove or rename this one".to_owned()),
                ));
            }
        } else if regular && let Some((message, help)) = not_a_card(&name) {
            out.problems
                .push((rel, Code::SkippedFile, message, Some(help.to_owned())));
        }
    }
    out
}

/// `None` when a symlink may be read as a card (a file inside the root);
/// otherwise the reason it is skipped.
fn check_symlink(path: &Path, canonical_root: &Path, rel: &str) -> Option<WalkProblem> {
    let skip = |message: String, help: &str| {
        Some((
            rel.to_owned(),
            Code::SkippedSymlink,
            message,
            Some(help.to_owned()),
        ))
    };
    match fs::canonicalize(path) {
        Err(e) => skip(
            format!("symbolic link cannot be resolved ({e}); skipped"),
            "fix or remove the link: it is broken or part of a loop",
        ),
        Ok(target) if !target.starts_with(canonical_root) => skip(
            format!(
                "symbolic link points outside the knowledge root (to {}); not followed",
                target.display()
            ),
            "move the file into the root, or copy it: vouch never reads outside the root",
        ),
        Ok(target) if target.is_dir() => skip(
            "symbolic link to a folder; not followed".to_owned(),
            "its cards are read where they really are; remove the link to silence this",
        ),
        Ok(_) => None,
    }
}

fn rel_string(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
