//! Walking a root for cards. Symbolic links are never followed out of the root,
//! and symlinked folders are not followed at all (their cards are read where
//! they really live), so a link loop cannot make the walk spin.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

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

/// How many folders below the root cards are read: far past any real
/// knowledge base, and short of what the site's folder pages (a tree
/// rendered level by level) and the file system's path limits allow, so
/// `check` and `build` agree on every card they see.
pub const MAX_DEPTH: usize = 100;

/// Lists the cards under `root` in a stable order: each folder's entries
/// sorted by name, a folder's contents where the folder sorts. Sibling
/// folders are walked on all cores; the result does not depend on which
/// finishes first.
pub fn walk(root: &Path, canonical_root: &Path) -> Walked {
    walk_folder(canonical_root, root, "", 0)
}

/// What a folder's walk finds, in order: a run of files between folders,
/// or a folder still to walk.
enum Step {
    Files(Walked),
    Folder(PathBuf, String),
}

/// The walk of `dir`, the folder at `rel` under the root (`""` for the
/// root itself), `depth` folders down.
fn walk_folder(canonical_root: &Path, dir: &Path, rel: &str, depth: usize) -> Walked {
    let mut out = Walked::default();
    let cannot_read = |e: std::io::Error| {
        (
            rel.to_owned(),
            Code::UnreadableFile,
            format!("cannot read this folder: {e}"),
            Some("check the folder's permissions".to_owned()),
        )
    };
    let mut entries = Vec::new();
    match fs::read_dir(dir) {
        Ok(listing) => {
            for entry in listing {
                match entry.and_then(|e| Ok((e.file_name(), e.file_type()?))) {
                    Ok(found) => entries.push(found),
                    Err(e) => out.problems.push(cannot_read(e)),
                }
            }
        }
        Err(e) => {
            out.problems.push(cannot_read(e));
            return out;
        }
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut steps = Vec::new();
    for (file_name, kind) in entries {
        let name = file_name.to_string_lossy();
        if is_hidden(&name) {
            continue;
        }
        let child_rel = if rel.is_empty() {
            name.clone().into_owned()
        } else {
            format!("{rel}/{name}")
        };
        let path = dir.join(&file_name);
        if kind.is_dir() {
            if depth == 0 && name == "templates" {
                continue;
            }
            // A folder marked as a built site is not read; unless it is the
            // default `site/` of a root that is the working folder, say so: a
            // marker committed into a collection must not hide its cards
            // without a word.
            if path.join(OUTPUT_MARKER).exists() {
                if child_rel != "site" {
                    out.problems.push((
                        child_rel.clone(),
                        Code::SkippedSite,
                        format!("`{child_rel}/` holds `{OUTPUT_MARKER}`, the mark of a site vouch built, so nothing in it is read as cards"),
                        Some(format!("if `{child_rel}/` is not a built site, remove `{child_rel}/{OUTPUT_MARKER}`; build sites outside the root")),
                    ));
                }
                continue;
            }
            if depth + 1 > MAX_DEPTH {
                out.problems.push((
                    child_rel.clone(),
                    Code::TooDeep,
                    format!("this folder is {} folders below the root; vouch reads cards at most {MAX_DEPTH} folders down, so nothing in it is read", depth + 1),
                    Some("move its cards into a shallower folder".to_owned()),
                ));
                continue;
            }
            if depth == 0 {
                out.collections.push(child_rel.clone());
            }
            steps.push(Step::Files(std::mem::take(&mut out)));
            steps.push(Step::Folder(path, child_rel));
            continue;
        }
        if kind.is_symlink()
            && let Some(problem) = check_symlink(&path, canonical_root, &child_rel)
        {
            out.problems.push(problem);
            continue;
        }
        let regular = kind.is_file() || (kind.is_symlink() && path.is_file());
        if is_card_name(&name) {
            if regular {
                out.cards.push(CardPath { rel: child_rel });
            } else {
                // A FIFO or device named `*.md` would block or never end a read.
                out.problems.push((
                    child_rel,
                    Code::UnreadableFile,
                    "not a regular file; skipped".to_owned(),
                    Some("cards must be regular files: remove or rename this one".to_owned()),
                ));
            }
        } else if regular && let Some((message, help)) = not_a_card(&name) {
            out.problems
                .push((child_rel, Code::SkippedFile, message, Some(help.to_owned())));
        }
    }
    if steps.is_empty() {
        return out;
    }
    steps.push(Step::Files(out));
    let parts: Vec<Walked> = steps
        .into_par_iter()
        .map(|step| match step {
            Step::Files(found) => found,
            Step::Folder(path, rel) => walk_folder(canonical_root, &path, &rel, depth + 1),
        })
        .collect();
    let mut out = Walked::default();
    for mut part in parts {
        out.cards.append(&mut part.cards);
        out.collections.append(&mut part.collections);
        out.problems.append(&mut part.problems);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Folders are walked on all cores, and the order is still each
    /// folder's entries by name, a folder's contents where the folder sorts,
    /// with hidden entries, the root's `templates/` and built sites left out.
    #[test]
    fn the_parallel_walk_keeps_the_sorted_order() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let files = [
            "a.md",
            "b/x.md",
            "b/c/y.md",
            "b/c/z/deep.md",
            "b/d.md",
            "c.md",
            "d/z.md",
            "d/_hidden.md",
            "d/templates/kept.md",
            "templates/card.md",
            ".git/HEAD.md",
            "built/page.md",
            "e/notes.markdown",
        ];
        for f in files {
            let path = root.join(f);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "x").unwrap();
        }
        fs::write(root.join("built").join(OUTPUT_MARKER), "").unwrap();
        for n in 0..40 {
            let path = root.join(format!("f/g{n:02}/card.md"));
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "x").unwrap();
        }
        let walked = walk(root, &fs::canonicalize(root).unwrap());
        let cards: Vec<&str> = walked.cards.iter().map(|c| c.rel.as_str()).collect();
        let mut expected = vec![
            "a.md",
            "b/c/y.md",
            "b/c/z/deep.md",
            "b/d.md",
            "b/x.md",
            "c.md",
            "d/templates/kept.md",
            "d/z.md",
        ];
        let deep: Vec<String> = (0..40).map(|n| format!("f/g{n:02}/card.md")).collect();
        expected.extend(deep.iter().map(String::as_str));
        assert_eq!(cards, expected);
        assert_eq!(walked.collections, ["b", "d", "e", "f"]);
        let problems: Vec<(&str, Code)> = walked
            .problems
            .iter()
            .map(|(rel, code, _, _)| (rel.as_str(), *code))
            .collect();
        assert_eq!(
            problems,
            [
                ("built", Code::SkippedSite),
                ("e/notes.markdown", Code::SkippedFile)
            ]
        );
    }
}
