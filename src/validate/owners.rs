//! Owner rules: every owner exists, a card is never left with only people who
//! have left, and the verifier is a person allowed to vouch for the card.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::load::Workspace;
use crate::model::card::Status;
use crate::model::collection::Collection;
use crate::model::fields::closest;
use crate::model::owners::{Owner, Registry};
use crate::resolve::owners::{Refusal, may_verify};
use crate::resolve::{Entry, Ownership};
use crate::source::SourceText;

pub fn check(entry: &Entry, ws: &Workspace, out: &mut Vec<Diagnostic>) {
    let card = entry.card;
    let at = |code, span: std::ops::Range<usize>, message: String| {
        Diagnostic::at(code, card.file.clone(), &card.source, span, message)
    };
    let unreadable = card.key_span("owners").is_some() || card.key_span("owner_slack").is_some();
    let tech_docs = ws.dialect == crate::model::Dialect::TechDocs;
    if entry.owners.is_empty()
        && card.status != Status::Draft
        && card.has_front_matter
        && !unreadable
        // tech-docs-gem asks for no owner of a page it does not review.
        && !(tech_docs && card.verified.is_none())
    {
        let where_ = match &card.collection {
            Some(c) => format!(", or give the collection default owners in {c}/_collection.yaml"),
            None => String::new(),
        };
        let d = at(
            Code::MissingField,
            card.header_span.clone(),
            "card has no `owners`".to_owned(),
        );
        out.push(if tech_docs {
            // The gem builds the page; only its review has nobody to go to.
            let mut d = d.with_help(
                "add `owner_slack: \"#channel\"` to the front matter, or `default_owner_slack` to config/tech-docs.yml, so someone is told when the review is due",
            );
            d.severity = Severity::Warning;
            d.message = "page is under review but has no owner: nobody is told when it is due".to_owned();
            d
        } else {
            d.with_help(format!(
                "add `owners: [person-or-team]` to the front matter{where_}"
            ))
        });
    }
    let Some(registry) = &ws.registry else {
        return;
    };

    // The card's own owners (the model resolved them, in order, when the
    // card names any); collection defaults are checked once, in their file.
    let own: Vec<(&crate::model::card::Located<String>, Ownership)> = if card.owners.is_empty() {
        Vec::new()
    } else {
        card.owners
            .iter()
            .zip(entry.owners.iter().copied())
            .collect()
    };
    let mut resolved: Vec<&Owner> = Vec::new();
    for (owner, ownership) in &own {
        match ownership.owner() {
            Some(o) => resolved.push(o),
            None => out.push(unknown(
                at(
                    Code::UnknownOwner,
                    owner.span.clone(),
                    format!("owner `{}` is not in owners.yaml", owner.value),
                ),
                &owner.value,
                registry,
            )),
        }
    }
    let registered = || own.iter().filter_map(|(w, o)| o.owner().map(|o| (*w, o)));
    if !resolved.is_empty() && resolved.iter().all(|o| o.has_left()) {
        for (owner, _) in registered() {
            out.push(
                at(
                    Code::InactiveOwner,
                    owner.span.clone(),
                    format!(
                        "`{}` is no longer active and is this card's only owner",
                        owner.value
                    ),
                )
                .with_help("hand the card to an active person or a team"),
            );
        }
    } else {
        for (owner, o) in registered() {
            if o.has_left() {
                out.push(
                    at(
                        Code::InactiveOwner,
                        owner.span.clone(),
                        format!("`{}` is no longer active", owner.value),
                    )
                    .with_severity(Severity::Warning)
                    .with_help("remove them from `owners`; the other owners remain"),
                );
            }
        }
    }

    let (Some(verifier), Some(ownership)) = (&card.verified_by, entry.verifier) else {
        return;
    };
    let name = &verifier.value;
    let span = verifier.span.clone();
    let Some(person) = ownership.owner() else {
        out.push(unknown(
            at(
                Code::UnknownOwner,
                span,
                format!("verifier `{name}` is not in owners.yaml"),
            ),
            name,
            registry,
        ));
        return;
    };
    let refusal = match may_verify(registry, &entry.owners, person) {
        Ok(()) | Err(Refusal::NoOwners) => return,
        Err(refusal) => refusal,
    };
    out.push(match refusal {
        Refusal::Team => at(
            Code::VerifierNotOwner,
            span,
            format!("verifier `{name}` is a team; a person must vouch for a card"),
        )
        .with_help("set `verified_by` to the member of the team who checked the card"),
        Refusal::Inactive => at(
            Code::InactiveOwner,
            span,
            format!("verifier `{name}` is no longer active and cannot verify"),
        )
        .with_help("an active owner re-checks the card and verifies it"),
        Refusal::NotOwner | Refusal::NoOwners => at(
            Code::VerifierNotOwner,
            span,
            format!(
                "verifier `{name}` is not an owner of this card nor a member of an owning team"
            ),
        )
        .with_help(format!(
            "ask one of {} to verify it, or add `{name}` to `owners`",
            crate::resolve::owners::effective_owners(card, ws).join(", ")
        )),
    });
}

/// Checks a collection's default owners, once, in its `_collection.yaml`.
pub fn check_collection(collection: &Collection, registry: &Registry, out: &mut Vec<Diagnostic>) {
    let Some((file, source)) = &collection.file else {
        return;
    };
    for (name, span) in &collection.owners {
        if registry.resolve(name).is_none() {
            out.push(unknown(
                at_file(
                    file,
                    source,
                    Code::UnknownOwner,
                    span.clone(),
                    format!("owner `{name}` is not in owners.yaml"),
                ),
                name,
                registry,
            ));
        }
    }
}

fn at_file(
    file: &std::path::Path,
    source: &SourceText,
    code: Code,
    span: std::ops::Range<usize>,
    message: String,
) -> Diagnostic {
    Diagnostic::at(code, file.to_path_buf(), source, span, message)
}

fn unknown(d: Diagnostic, name: &str, registry: &Registry) -> Diagnostic {
    match closest(name, registry.names()) {
        Some(hint) => d.with_help(format!("did you mean `{hint}`?")),
        None => d.with_help("add them to owners.yaml under `people:` or `teams:`, or use a key or handle listed there"),
    }
}
