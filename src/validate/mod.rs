//! Validation: every rule over every card, collected, never stopping early.
//! One file per rule family; each rule pushes diagnostics and never prints.

pub mod changes;
pub mod freshness;
pub mod history;
pub mod links;
pub mod owners;
pub mod templates;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Severity, Summary};
use crate::load::Workspace;
use crate::model::card::Status;

pub use freshness::{Freshness, State};

/// The outcome of checking a workspace.
#[derive(Debug)]
pub struct Checked {
    /// Sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// One entry per card of the workspace, in the same order.
    pub freshness: Vec<Freshness>,
    /// What git says of each card (same order), once `history::apply` ran;
    /// empty outside git.
    pub changes: Vec<Option<history::LastChange>>,
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

    pub fn last_change(&self, card: usize) -> Option<&history::LastChange> {
        self.changes.get(card).and_then(Option::as_ref)
    }

    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

pub fn validate(ws: &Workspace, today: Date) -> Checked {
    let index = links::Index::new(ws);
    let per_card: Vec<(Freshness, Vec<Diagnostic>)> = ws
        .cards
        .par_iter()
        .map(|card| {
            let mut out = Vec::new();
            let freshness = freshness::evaluate(card, ws, today);
            templates::check_core_fields(card, &mut out);
            owners::check(card, ws, &mut out);
            freshness::check(card, ws, &freshness, today, &mut out);
            if let Some(template) = ws.templates.get(&card.kind.value) {
                templates::check(card, template, &mut out);
            }
            links::check(card, &index, &ws.root, &mut out);
            (freshness, out)
        })
        .collect();

    let mut diagnostics = ws.diagnostics.clone();
    let mut fresh = Vec::with_capacity(per_card.len());
    for (f, mut d) in per_card {
        fresh.push(f);
        diagnostics.append(&mut d);
    }
    links::check_duplicates(&ws.cards, &mut diagnostics);
    let collections: Vec<&str> = ws.collections.keys().map(String::as_str).collect();
    links::check_reserved(
        &ws.cards,
        &collections,
        crate::render::RESERVED,
        &mut diagnostics,
    );
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

    let mut summary = Summary {
        cards: ws.card_files,
        owners_registry: ws.registry.is_some(),
        ..Summary::default()
    };
    for d in &diagnostics {
        match d.severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
        }
    }
    for (card, f) in ws.cards.iter().zip(&fresh) {
        if card.status != Status::Published {
            continue;
        }
        match f.state {
            Some(State::Fresh) => summary.fresh += 1,
            Some(State::Expiring) => summary.expiring += 1,
            Some(State::Stale) => summary.stale += 1,
            None => {}
        }
    }
    Checked {
        diagnostics,
        freshness: fresh,
        changes: Vec::new(),
        summary,
    }
}
