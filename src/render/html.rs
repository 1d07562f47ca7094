//! A card's Markdown body as HTML: heading ids by GitHub's rule, relative links
//! rewritten to page URLs, unsafe URL schemes neutralised, and raw HTML
//! sanitised with ammonia — only for cards that contain raw HTML, so the common
//! case pays nothing for it.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, Parser, Tag};

use crate::markdown::{self, is_only_comments};
use crate::model::card::Card;
use crate::validate::links::{Index, Target, resolve_in_site};

/// A rendered body and what it refers to.
#[derive(Debug, Default)]
pub struct Body {
    pub html: String,
    /// Files under the root that the body links to (images, attachments), to
    /// be copied into the site.
    pub assets: Vec<String>,
}

/// `../` repeated once per segment of the page's path: the way from a page
/// back to the site's root, so the site works under any sub-path.
pub fn root_prefix(page_dir: &str) -> String {
    if page_dir.is_empty() {
        String::new()
    } else {
        "../".repeat(page_dir.split('/').count())
    }
}

pub fn render(card: &Card, index: &Index, root_exists: &dyn Fn(&str) -> bool) -> Body {
    let text = card.source.as_str();
    let markdown_text = &text[card.body.clone()];
    let prefix = root_prefix(&card.id);
    let mut headings = card.outline.headings.iter();
    let mut raw_html = false;
    let mut assets = HashSet::new();

    let events =
        Parser::new_ext(markdown_text, markdown::options()).filter_map(|event| match event {
            Event::Start(Tag::Heading {
                level,
                id: _,
                classes,
                attrs,
            }) => Some(Event::Start(Tag::Heading {
                level,
                id: headings.next().map(|h| CowStr::from(h.id.clone())),
                classes,
                attrs,
            })),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Some(Event::Start(Tag::Link {
                link_type,
                dest_url: rewrite(&dest_url, card, index, &prefix, root_exists, &mut assets).into(),
                title,
                id,
            })),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Some(Event::Start(Tag::Image {
                link_type,
                dest_url: rewrite(&dest_url, card, index, &prefix, root_exists, &mut assets).into(),
                title,
                id,
            })),
            Event::Html(html) | Event::InlineHtml(html) if is_only_comments(&html) => None,
            Event::Html(html) => {
                raw_html = true;
                Some(Event::Html(html))
            }
            Event::InlineHtml(html) => {
                raw_html = true;
                Some(Event::InlineHtml(html))
            }
            other => Some(other),
        });
    let mut html = String::with_capacity(markdown_text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    if raw_html {
        html = sanitizer().clean(&html).to_string();
    }
    let mut assets: Vec<String> = assets.into_iter().collect();
    assets.sort();
    Body { html, assets }
}

/// The URL a link should have in the site.
fn rewrite(
    dest: &str,
    card: &Card,
    index: &Index,
    prefix: &str,
    root_exists: &dyn Fn(&str) -> bool,
    assets: &mut HashSet<String>,
) -> String {
    match index.resolve(dest, card) {
        Target::External if is_safe_url(dest) => dest.to_owned(),
        Target::External | Target::OutsideRoot => "#".to_owned(),
        Target::SelfAnchor(fragment) => format!("#{}", index.anchor(card, fragment)),
        Target::Path { rel, fragment } => {
            let page = |target: &Card, fragment: Option<&str>| {
                let fragment = fragment
                    .map(|f| format!("#{}", index.anchor(target, f)))
                    .unwrap_or_default();
                format!("{prefix}{}/{fragment}", target.id)
            };
            let fragment_text = fragment.map(|f| format!("#{f}")).unwrap_or_default();
            match index.card_at(&rel) {
                Some(target) => page(target, fragment),
                None if root_exists(&rel) => {
                    assets.insert(rel.clone());
                    format!("{prefix}{rel}{fragment_text}")
                }
                // A path the tech-docs-gem site redirects: to the page it redirects to.
                None => match index.redirect(&rel).map(|to| resolve_in_site(to, "", true)) {
                    Some(Target::Path {
                        rel,
                        fragment: to_fragment,
                    }) => match index.card_at(&rel) {
                        Some(target) => page(target, fragment.or(to_fragment)),
                        None => dest.to_owned(),
                    },
                    // Broken: `check` reports it; the link stays as written.
                    _ => dest.to_owned(),
                },
            }
        }
    }
}

/// Site-absolute and relative URLs, and the schemes a reader can follow safely.
fn is_safe_url(dest: &str) -> bool {
    let lower = dest.trim().to_ascii_lowercase();
    let Some(colon) = lower.find(':') else {
        return true;
    };
    if lower[..colon].contains(['/', '?', '#']) {
        return true; // the colon is in the path, not a scheme
    }
    matches!(&lower[..colon], "http" | "https" | "mailto" | "tel" | "ftp")
}

/// ammonia's defaults (no script, no event handlers, no `javascript:` URLs),
/// keeping what pulldown-cmark itself writes: heading and footnote ids, code
/// classes, task-list checkboxes.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["id"])
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("div", ["class"])
            .add_tag_attributes("sup", ["class"]);
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_climb_one_level_per_segment() {
        assert_eq!(root_prefix(""), "");
        assert_eq!(root_prefix("a"), "../");
        assert_eq!(root_prefix("a/b/c"), "../../../");
    }

    #[test]
    fn only_safe_schemes_survive() {
        for ok in [
            "https://x.example",
            "mailto:a@b",
            "page.md",
            "/abs",
            "#x",
            "a/b:c",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
    }
}
