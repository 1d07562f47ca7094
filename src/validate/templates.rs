//! Template rules: required fields, required sections that are present and not
//! empty, and template guidance that nobody deleted.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::card::{Card, Status};
use crate::model::template::Template;
use crate::yaml::Value;

/// Core fields every published card needs (title, verified); owners are checked
/// with the owner rules because a collection may supply them.
pub fn check_core_fields(card: &Card, requires_date: bool, out: &mut Vec<Diagnostic>) {
    if !card.has_front_matter {
        return; // reported once, when the card was read
    }
    let at = |message: &str, help: &str| {
        Diagnostic::at(
            Code::MissingField,
            card.file.clone(),
            &card.source,
            card.header_span.clone(),
            message,
        )
        .with_help(help)
    };
    // Characters no reader sees that reorder or hide text: the page
    // isolates the title, other programs may not.
    // Every such character is outside ASCII: most titles are decided by
    // the ASCII test alone.
    if let Some(title) = &card.title
        && !title.value.is_ascii()
        && let Some(c) = title
            .value
            .chars()
            .find(|&c| crate::diagnostic::is_hidden_control(c))
    {
        out.push(
            Diagnostic::at(
                Code::HiddenCharacter,
                card.file.clone(),
                &card.source,
                title.span.clone(),
                format!(
                    "the title holds U+{:04X}, an invisible {} character: it can reorder or hide the text around the title where it is shown",
                    c as u32,
                    if crate::diagnostic::is_bidi_control(c) { "direction" } else { "zero-width" }
                ),
            )
            .with_help("delete it; to mix right-to-left and left-to-right words, write them as they are"),
        );
    }
    // A key that is present but unreadable was reported as such already.
    if card.title.is_none() && card.key_span("title").is_none() {
        out.push(at(
            "card has no `title`",
            "add `title: …` to the front matter, or start the body with a `# Title` line",
        ));
    }
    let needs_verified = requires_date && card.status != Status::Draft && card.verified.is_none();
    let bad_date =
        card.key_span("verified").is_some() || card.key_span("last_reviewed_on").is_some();
    if needs_verified && !bad_date {
        out.push(at(
            "card has no `verified` date",
            "an owner checks the card, then sets `verified: YYYY-MM-DD` and `verified_by` (or runs `vouch verify`)",
        ));
    }
}

pub fn check(card: &Card, template: &Template, out: &mut Vec<Diagnostic>) {
    if card.status == Status::Draft {
        return;
    }
    let anchor = card
        .key_span("type")
        .unwrap_or_else(|| card.header_span.clone());
    for field in &template.required_fields {
        let present = card.extra.get(field).is_some_and(|node| {
            !matches!(&node.value, Value::Null)
                && node
                    .value
                    .scalar_text()
                    .is_none_or(|s| !s.trim().is_empty())
        });
        if !present {
            let span = card.key_span(field).unwrap_or_else(|| anchor.clone());
            out.push(
                Diagnostic::at(
                    Code::MissingField,
                    card.file.clone(),
                    &card.source,
                    span,
                    format!("a `{}` card needs `{field}`", template.key),
                )
                .with_help(format!("add `{field}: …` to the front matter")),
            );
        }
    }
    for section in &template.required_sections {
        let heading = card
            .outline
            .headings
            .iter()
            .find(|h| h.text.trim().eq_ignore_ascii_case(section.trim()));
        match heading {
            None => out.push(
                Diagnostic::at(
                    Code::MissingSection,
                    card.file.clone(),
                    &card.source,
                    anchor.clone(),
                    format!("a `{}` card needs the section `{section}`", template.key),
                )
                .with_help(format!("add a `## {section}` heading with its content")),
            ),
            Some(h) if !h.has_content => out.push(
                Diagnostic::at(
                    Code::EmptySection,
                    card.file.clone(),
                    &card.source,
                    h.span.clone(),
                    format!("section `{section}` is empty"),
                )
                .with_help(
                    "write this section, or mark the card `status: draft` until it is ready",
                ),
            ),
            Some(_) => {}
        }
    }
    if card.status == Status::Published {
        for span in &card.outline.guidance {
            out.push(
                Diagnostic::at(
                    Code::GuidanceLeft,
                    card.file.clone(),
                    &card.source,
                    span.clone(),
                    "template guidance is still in this published card",
                )
                .with_help("follow the guidance, then delete the `<!-- guidance: … -->` comment"),
            );
        }
    }
}
