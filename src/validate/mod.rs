//! Validation: every rule over every card, collected, never stopping early.
//! One file per rule family; each rule pushes diagnostics and never prints.

pub mod changes;
pub mod freshness;
pub mod history;
pub mod html;
pub mod links;
pub mod owners;
pub mod templates;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Severity, Summary};
use crate::model::card::Status;
use crate::resolve::{Model, State};

/// The outcome of checking a workspace.
#[derive(Debug)]
pub struct Checked {
    /// Sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

impl Checked {
    /// Adds diagnostics found after validation (such as `--changed-since`),
    /// keeping the order and the counts right.
    pub fn extend(&mut self, extra: Vec<Diagnostic>) {
        for d in &extra {
            match d.severity {
                Severity::Error => self.summary.errors += 1,
                Severity::Warning => self.summary.warnings += 1,
            }
        }
        self.diagnostics.extend(extra);
        self.diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }

    /// Under `verification.gate: changed`, staleness of cards a change did
    /// not touch is reported but does not fail: those diagnostics become
    /// warnings, and the counts follow.
    pub fn gate_to(&mut self, changed: &std::collections::BTreeSet<std::path::PathBuf>) {
        use crate::diagnostic::Code;
        for d in &mut self.diagnostics {
            if matches!(d.code, Code::Stale | Code::Expiring)
                && d.severity == Severity::Error
                && !changed.contains(&d.file)
            {
                d.severity = Severity::Warning;
                self.summary.errors -= 1;
                self.summary.warnings += 1;
            }
        }
    }

    /// Keeps only what concerns the card files `files` (as the user named
    /// them): their diagnostics and their counts. Returns a path that is
    /// not a card of the model.
    pub fn only(
        &mut self,
        model: &Model,
        files: &[std::path::PathBuf],
    ) -> Result<(), std::path::PathBuf> {
        let canonical = |p: &std::path::Path| std::fs::canonicalize(p).ok();
        let mut wanted = std::collections::BTreeSet::new();
        for file in files {
            let target = canonical(file);
            let entry = model.cards.iter().find(|e| {
                target.is_some() && canonical(&model.ws.root.join(&e.card.rel_path)) == target
            });
            match entry {
                Some(e) => {
                    wanted.insert(e.card.file.clone());
                }
                None => return Err(file.clone()),
            }
        }
        self.diagnostics.retain(|d| wanted.contains(&d.file));
        self.summary = summarize(
            Summary {
                cards: wanted.len(),
                owners_registry: self.summary.owners_registry,
                notes: self.summary.notes.clone(),
                ..Summary::default()
            },
            &self.diagnostics,
            model.cards.iter().filter(|e| wanted.contains(&e.card.file)),
        );
        Ok(())
    }

    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

/// Every rule over the resolved model, and what git's history says.
pub fn check(model: &Model, history: &crate::history::Outcome) -> Checked {
    let mut checked = validate(model);
    history::apply(model.ws, history, &mut checked);
    checked
}

/// Every rule over the resolved model.
pub fn validate(model: &Model) -> Checked {
    let ws = model.ws;
    let requires_date = ws.config.verification.requires_date(ws.dialect);
    let per_card: Vec<Vec<Diagnostic>> = model
        .cards
        .par_iter()
        .map(|entry| {
            let card = entry.card;
            let mut out = Vec::new();
            templates::check_core_fields(card, requires_date, &mut out);
            owners::check(entry, ws, &mut out);
            freshness::check(card, ws, &entry.freshness, model.today, &mut out);
            if let Some(template) = ws.templates.get(&card.kind.value) {
                templates::check(card, template, &mut out);
            }
            links::check(entry, model, &mut out);
            html::check(card, &mut out);
            out
        })
        .collect();

    let mut diagnostics = ws.diagnostics.clone();
    for mut d in per_card {
        diagnostics.append(&mut d);
    }
    links::check_collisions(model, &mut diagnostics);
    for collection in ws.collections.values() {
        freshness::check_collection(
            collection,
            ws.config.verification.max_every,
            &mut diagnostics,
        );
        if let Some(registry) = &ws.registry {
            owners::check_collection(collection, registry, &mut diagnostics);
        }
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    let summary = summarize(
        Summary {
            cards: ws.card_files,
            owners_registry: ws.registry.is_some(),
            ..Summary::default()
        },
        &diagnostics,
        model.cards.iter(),
    );
    Checked {
        diagnostics,
        summary,
    }
}

/// `base` with the errors and warnings of `diagnostics` and the states of
/// the published cards among `entries` counted in.
fn summarize<'m>(
    mut summary: Summary,
    diagnostics: &[Diagnostic],
    entries: impl Iterator<Item = &'m crate::resolve::Entry<'m>>,
) -> Summary {
    for d in diagnostics {
        match d.severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
        }
    }
    for entry in entries.filter(|e| e.card.status == Status::Published) {
        match entry.freshness.state {
            Some(State::Fresh) => summary.fresh += 1,
            Some(State::Expiring) => summary.expiring += 1,
            Some(State::Stale) => summary.stale += 1,
            None => {}
        }
    }
    summary
}
