//! What git says about each card: when its content last changed, and whether
//! that was after an owner last vouched for it (`changed-after-verification`).

use jiff::civil::Date;

use crate::diagnostic::{Code, Diagnostic};
use crate::history::Outcome;
use crate::load::Workspace;
use crate::model::card::Status;
use crate::validate::Checked;

/// The newest commit that changed a card's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastChange {
    pub date: Date,
    pub author: String,
    pub commit: String,
}

/// Fills `checked.changes` from the history and adds its diagnostics and note.
pub fn apply(ws: &Workspace, outcome: &Outcome, checked: &mut Checked) {
    if let Some(note) = outcome.note() {
        checked.summary.notes.push(note.to_owned());
    }
    let Some(history) = outcome.history() else {
        return;
    };
    checked.changes = ws
        .cards
        .iter()
        .map(|card| {
            history.last_changed(&card.rel_path).map(|c| LastChange {
                date: c.date,
                author: c.author.clone(),
                commit: c.id.clone(),
            })
        })
        .collect();

    let watched = ws.cards.iter().filter_map(|card| {
        let verified = card.verified.as_ref()?;
        (card.status == Status::Published).then_some((card.rel_path.as_str(), verified.value))
    });
    let changed = history.changed_after(watched);
    let mut found = Vec::new();
    for card in &ws.cards {
        let (Some(commit), Some(verified)) = (changed.get(&card.rel_path), &card.verified) else {
            continue;
        };
        let short = &commit.id[..commit.id.len().min(10)];
        found.push(
            Diagnostic::at(
                Code::ChangedAfterVerification,
                card.file.clone(),
                &card.source,
                verified.span.clone(),
                format!(
                    "this card changed on {} (commit {short} by {}) after it was verified on {}",
                    commit.date, commit.author, verified.value
                ),
            )
            .with_help(
                "an owner reads the card as it is now, then runs `vouch verify` on it; whitespace and verification-only edits do not count",
            ),
        );
    }
    checked.extend(found);
}
