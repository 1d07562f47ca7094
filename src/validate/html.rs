//! Raw HTML rules: HTML nested deeper than the sanitiser can take in
//! reasonable time is shown on the site as text, and `check` says so.

use crate::diagnostic::{Code, Diagnostic};
use crate::markdown::MAX_HTML_DEPTH;
use crate::model::card::Card;

pub fn check(card: &Card, out: &mut Vec<Diagnostic>) {
    if let Some((depth, span)) = &card.outline.html_depth
        && *depth > MAX_HTML_DEPTH
    {
        out.push(
            Diagnostic::at(
                Code::HtmlTooDeep,
                card.file.clone(),
                &card.source,
                span.clone(),
                format!(
                    "raw HTML nests {depth} elements deep (at most {MAX_HTML_DEPTH}): the page shows this card's HTML as text"
                ),
            )
            .with_help("write the structure in Markdown, or flatten the HTML"),
        );
    }
}
