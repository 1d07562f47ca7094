//! `--changed-since REF`: a pull request cannot edit knowledge without an owner
//! vouching for it. Every card added or changed since the merge base with REF
//! must have a `verified` date that changed (moved forward) in the same range.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::diagnostic::{Code, Diagnostic};
use crate::front_matter;
use crate::git::{GitError, Repo};
use crate::load::Workspace;
use crate::model::card::{Card, Status};
use crate::model::fields::parse_date;
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

/// Reports `unverified-change` for every card changed since `reference`.
pub fn check(ws: &Workspace, reference: &str) -> Result<Changes, GitError> {
    let repo = Repo::discover(&ws.root)?;
    let base = repo.merge_base(reference)?;
    let prefix = &repo.prefix;
    let changed = repo.changed_since(&base, repo.pathspec())?;

    let by_repo_path: HashMap<String, &Card> = ws
        .cards
        .iter()
        .map(|c| (repo_path(prefix, &c.rel_path), c))
        .collect();
    let short_base = &base[..base.len().min(10)];
    let mut out = Vec::new();
    let mut cards = std::collections::BTreeSet::new();
    for change in changed {
        let Some(card) = by_repo_path.get(&change.path) else {
            continue;
        };
        cards.insert(card.file.clone());
        if card.status == Status::Draft || change.unchanged_content {
            continue;
        }
        let old_path = change.old_path.as_deref().unwrap_or(&change.path);
        let old = repo
            .show(&base, old_path)?
            .and_then(|bytes| verified_in(&bytes));
        let new = card.verified.as_ref().map(|v| v.value);
        let reverified = match (old, new) {
            (_, None) => continue, // `missing-field` or `invalid-date` already says it
            (None, Some(_)) => true,
            (Some(old), Some(new)) => new > old,
        };
        let needs_verifier = ws.registry.is_some() && card.verified_by.is_none();
        if reverified && !needs_verifier {
            continue;
        }
        let span = card
            .verified
            .as_ref()
            .map_or(card.header_span.clone(), |v| v.span.clone());
        let message = if reverified {
            format!(
                "this card changed since `{reference}` (merge base {short_base}) but names no `verified_by`"
            )
        } else {
            format!(
                "this card changed since `{reference}` (merge base {short_base}) but its `verified` date did not"
            )
        };
        out.push(
            Diagnostic::at(Code::UnverifiedChange, card.file.clone(), &card.source, span, message).with_help(
                "an owner checks the changed card, then sets `verified` to today and `verified_by` to themselves (`vouch verify`)",
            ),
        );
    }
    Ok(Changes {
        diagnostics: out,
        cards,
    })
}

fn repo_path(prefix: &str, rel: &str) -> String {
    if prefix.is_empty() {
        rel.to_owned()
    } else {
        format!("{prefix}/{rel}")
    }
}

/// The verification date a card's old version carried, read leniently: any
/// problem in the old version means "no date", so the change must verify.
fn verified_in(bytes: &[u8]) -> Option<Date> {
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
            .and_then(|s| parse_date(&s))
    })
}
