//! `--changed-since REF`: a pull request cannot edit knowledge without an owner
//! vouching for it. Every card added or changed since the merge base with REF
//! must have a `verified` date that changed (moved forward) in the same range,
//! and so must every card that shows a file the range changed (an image or
//! file it links, a tech-docs partial it includes, its collection's
//! `_collection.yaml`): what the card says changed with it.

use std::collections::HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::front_matter;
use crate::git::{GitError, Repo};
use crate::history::{self, History};
use crate::model::card::{Card, Status};
use crate::resolve::Model;
use crate::stamp::{Stamp, parse_stamp};
use crate::yaml::{self, Value};

/// What `--changed-since` found.
#[derive(Debug, Default)]
pub struct Changes {
    /// `unverified-change` for every card changed and not re-verified.
    pub diagnostics: Vec<Diagnostic>,
    /// The files (as diagnostics name them) of every card the change adds
    /// or changes.
    pub cards: std::collections::BTreeSet<std::path::PathBuf>,
}

/// Reports `unverified-change` for every card changed since `reference`
/// whose last content change in the range is not followed (or accompanied)
/// by a re-verification: the steps are the commits of the range that touch
/// the card, oldest first, then the work tree when it differs from `HEAD`.
pub fn check(model: &Model, reference: &str) -> Result<Changes, GitError> {
    let ws = model.ws;
    let repo = Repo::discover(&ws.root)?;
    let base = repo.merge_base(reference)?;
    let prefix = &repo.prefix;
    let changed = repo.changed_since(&base, repo.pathspec())?;
    let range = history::read_range(&repo, &base)?;

    let by_repo_path: HashMap<String, &Card> = ws
        .cards
        .iter()
        .map(|c| (repo_path(prefix, &c.rel_path), c))
        .collect();
    let mut judged = Vec::new();
    let mut cards = std::collections::BTreeSet::new();
    let changed_paths: std::collections::HashSet<&str> =
        changed.iter().map(|c| c.path.as_str()).collect();
    let short_base = &base[..base.len().min(10)];
    let mut out = Vec::new();
    // Cards whose own file did not change but that show a file that did:
    // their `verified` date cannot have moved, so each needs an owner's look.
    for (rel, shown_by) in model.shown_files() {
        let path = repo_path(prefix, &rel);
        if !changed_paths.contains(path.as_str()) || by_repo_path.contains_key(&path) {
            continue;
        }
        let what = if rel.ends_with("_collection.yaml") {
            "its collection's settings"
        } else if model.cards[shown_by[0]].card.includes.contains(&rel) {
            "a partial it includes"
        } else {
            "a file it links to"
        };
        for &i in &shown_by {
            let card = model.cards[i].card;
            if changed_paths.contains(repo_path(prefix, &card.rel_path).as_str()) {
                continue; // judged below with its own change
            }
            cards.insert(card.file.clone());
            if card.status == Status::Draft || card.verified.is_none() {
                continue;
            }
            let span = card
                .verified
                .as_ref()
                .map_or(card.header_span.clone(), |v| v.span.clone());
            out.push(
                Diagnostic::at(
                    Code::UnverifiedChange,
                    card.file.clone(),
                    &card.source,
                    span,
                    format!(
                        "`{rel}`, {what}, changed since `{reference}` (merge base {short_base}), but this card's `verified` date did not: what the card shows changed"
                    ),
                )
                .with_help("an owner checks the card as it now reads, then runs `vouch verify` on it"),
            );
        }
    }
    for change in changed {
        let Some(card) = by_repo_path.get(&change.path) else {
            continue;
        };
        cards.insert(card.file.clone());
        if card.status == Status::Draft || change.unchanged_content || card.verified.is_none() {
            // A draft is not vouched for; a card without a readable date
            // already has `missing-field` or `invalid-date`.
            continue;
        }
        judged.push((*card, change));
    }
    let blobs = {
        let mut wanted: Vec<&str> = judged
            .iter()
            .flat_map(|(card, _)| range.touches(&card.rel_path))
            .flat_map(|t| [t.old_blob.as_str(), t.new_blob.as_str()])
            .filter(|id| *id != history::NO_BLOB)
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        history::read_blobs(&repo.top, &wanted).map_err(|e| GitError::Failed {
            args: "cat-file --batch".to_owned(),
            message: e.to_string(),
        })?
    };

    for (card, change) in judged {
        let steps = steps(&repo, &base, &range, &blobs, &ws.root, card, &change)?;
        let verdict = judge(&steps);
        let needs_verifier = ws.registry.is_some() && card.verified_by.is_none();
        let message = match verdict {
            Verdict::Vouched if needs_verifier => format!(
                "this card changed since `{reference}` (merge base {short_base}) but names no `verified_by`"
            ),
            Verdict::Vouched | Verdict::NoContentChange => continue,
            Verdict::NeverReverified => format!(
                "this card changed since `{reference}` (merge base {short_base}) but its `verified` date did not"
            ),
            Verdict::EditedAfter { verified, edited } => format!(
                "this card was re-verified in {} but changed again in {} (since `{reference}`, merge base {short_base}): the last edit is not vouched for",
                describe(&range, verified),
                describe(&range, edited),
            ),
        };
        let span = card
            .verified
            .as_ref()
            .map_or(card.header_span.clone(), |v| v.span.clone());
        out.push(
            Diagnostic::at(Code::UnverifiedChange, card.file.clone(), &card.source, span, message).with_help(
                "an owner checks the card as it is now, then runs `vouch verify` on it (on the day of an earlier verification it records the time as well)",
            ),
        );
    }
    Ok(Changes {
        diagnostics: out,
        cards,
    })
}

/// Where a version of a card comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The merge base.
    Base,
    /// A commit of the range (an index into the range's commits).
    Commit(usize),
    /// The files on disk, not committed.
    WorkTree,
}

/// One version of a card: `None` where the file did not exist.
struct Version {
    source: Source,
    bytes: Option<Vec<u8>>,
}

/// The card's versions from the merge base to the work tree, oldest first.
fn steps(
    repo: &Repo,
    base: &str,
    range: &History,
    blobs: &HashMap<String, Vec<u8>>,
    root: &std::path::Path,
    card: &Card,
    change: &crate::git::Change,
) -> Result<Vec<Version>, GitError> {
    let blob = |id: &str| blobs.get(id).cloned();
    let touches = range.touches(&card.rel_path);
    let mut versions = Vec::with_capacity(touches.len() + 2);
    match touches.last() {
        Some(oldest) => versions.push(Version {
            source: Source::Base,
            bytes: blob(&oldest.old_blob),
        }),
        None => {
            // Changed only in the work tree (or a path git's log could not
            // follow): the merge base's version, read directly.
            let old_path = change.old_path.as_deref().unwrap_or(&change.path);
            versions.push(Version {
                source: Source::Base,
                bytes: repo.show(base, old_path)?,
            });
        }
    }
    for touch in touches.iter().rev() {
        versions.push(Version {
            source: Source::Commit(touch.commit),
            bytes: blob(&touch.new_blob),
        });
    }
    // The bytes on disk, as git compares them (the loaded text may have
    // lost a byte-order mark).
    let now = std::fs::read(root.join(&card.rel_path))
        .unwrap_or_else(|_| card.source.as_str().as_bytes().to_vec());
    if versions.last().and_then(|v| v.bytes.as_deref()) != Some(&now) {
        versions.push(Version {
            source: Source::WorkTree,
            bytes: Some(now),
        });
    }
    Ok(versions)
}

#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// The last content change came with, or before, a re-verification.
    Vouched,
    /// Only verification fields changed (or nothing but a move).
    NoContentChange,
    NeverReverified,
    EditedAfter {
        verified: Source,
        edited: Source,
    },
}

/// Orders the content changes and the re-verifications between versions.
/// Each version is read once: its content without the verification lines,
/// and its verification stamp.
fn judge(versions: &[Version]) -> Verdict {
    let read: Vec<Option<(String, Option<Stamp>)>> = versions
        .iter()
        .map(|v| {
            v.bytes
                .as_deref()
                .map(|b| (history::content(b), verified_in(b)))
        })
        .collect();
    let mut last_content = None;
    let mut last_verified = None;
    // The latest stamp any earlier version carried: a re-verification moves
    // past it. Measured against the step before alone, a version without a
    // stamp (a symbolic link's blob, a deleted file) would let the old date
    // count as new when it comes back.
    let mut best = read.first().and_then(|v| v.as_ref()).and_then(|(_, s)| *s);
    for (i, pair) in read.windows(2).enumerate() {
        let after = i + 1;
        let Some((content, stamp)) = &pair[1] else {
            continue; // deleted in that step: nothing said, nothing vouched
        };
        let old_content = pair[0].as_ref().map(|(c, _)| c);
        if old_content != Some(content) {
            last_content = Some(after);
        }
        if stamp.is_some() && *stamp > best {
            last_verified = Some(after);
            best = *stamp;
        }
    }
    match (last_content, last_verified) {
        (None, _) => Verdict::NoContentChange,
        (Some(_), None) => Verdict::NeverReverified,
        (Some(edited), Some(verified)) if verified < edited => Verdict::EditedAfter {
            verified: versions[verified].source,
            edited: versions[edited].source,
        },
        _ => Verdict::Vouched,
    }
}

fn describe(range: &History, source: Source) -> String {
    match source {
        Source::Base => "the merge base".to_owned(),
        Source::WorkTree => "uncommitted changes".to_owned(),
        Source::Commit(i) => {
            let c = &range.commits[i];
            format!(
                "commit {} ({}, {})",
                &c.id[..c.id.len().min(10)],
                c.date,
                c.author
            )
        }
    }
}

fn repo_path(prefix: &str, rel: &str) -> String {
    if prefix.is_empty() {
        rel.to_owned()
    } else {
        format!("{prefix}/{rel}")
    }
}

/// The verification stamp a version of a card carried, read leniently: any
/// problem in it means "no stamp", so the change must verify.
fn verified_in(bytes: &[u8]) -> Option<Stamp> {
    let text = std::str::from_utf8(bytes).ok()?;
    let split = front_matter::split(text);
    let node = yaml::parse(text, split.yaml.filter(|_| !split.unclosed)?).ok()?;
    let Value::Map(entries) = node.value else {
        return None;
    };
    ["verified", "last_reviewed_on"].iter().find_map(|key| {
        entries
            .iter()
            .find(|(k, _)| k.name == *key)
            .and_then(|(_, v)| v.value.scalar_text())
            .and_then(|s| parse_stamp(&s))
    })
}
