//! What git says about each card: when its content last changed, and whether
//! that was after an owner last vouched for it (`changed-after-verification`).

use crate::diagnostic::{Code, Diagnostic};
use crate::history::Outcome;
use crate::load::Workspace;
use crate::model::card::Status;
use crate::validate::Checked;

/// Adds what the history says: its note, and `changed-after-verification`.
pub fn apply(ws: &Workspace, outcome: &Outcome, checked: &mut Checked) {
    if let Some(note) = outcome.note() {
        checked.summary.notes.push(note.to_owned());
    }
    let Some(history) = outcome.history() else {
        return;
    };
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
