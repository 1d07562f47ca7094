//! A card's Markdown body as HTML: heading ids by GitHub's rule, relative links
//! rewritten to page URLs, unsafe URL schemes neutralised, and raw HTML
//! sanitised with ammonia — only for cards that contain raw HTML, so the common
//! case pays nothing for it.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd};

use crate::markdown::{self, is_only_comments};
use crate::resolve::{Entry, LinkTarget, Model, urls};

/// A rendered body and what it refers to.
#[derive(Debug, Default)]
pub struct Body {
    pub html: String,
    /// Files under the root that the body links to (images, attachments),
    /// published beside the page.
    pub assets: Vec<String>,
}

/// The body of a published card as HTML, its links written as the resolved
/// model says.
pub fn render(entry: &Entry, model: &Model) -> Body {
    let card = entry.card;
    // Raw HTML nested too deep for the sanitiser is shown as text (`check`
    // warns about it).
    let html_as_text = card
        .outline
        .html_depth
        .as_ref()
        .is_some_and(|(d, _)| *d > markdown::MAX_HTML_DEPTH);
    let markdown_text = card.markdown();
    let prefix = urls::root_prefix(entry.page().unwrap_or(&card.id));
    let own = model.index.position(&card.id);
    let mut headings = card.outline.headings.iter();
    // The outline read the same text with the same parser: its links come
    // in this order.
    let mut links = entry.links.iter();
    let mut raw_html = false;
    let mut assets = HashSet::new();
    let mut href = |dest: &str| -> String {
        let resolved = links
            .next()
            .filter(|r| r.link.dest == dest)
            .map(|r| &r.target);
        let fallback;
        let target = match (resolved, own) {
            (Some(t), _) => t,
            (None, Some(own)) => {
                fallback = model.index.resolve(dest, own);
                &fallback
            }
            (None, None) => return dest.to_owned(),
        };
        if let LinkTarget::File { rel, .. } = target {
            assets.insert(rel.clone());
        }
        address(target, dest, own, &prefix, model)
    };

    // The body's opening H1 is the page's title, which the page shows as
    // its one H1; any later H1 is shown as a section (H2).
    let leading = card.outline.leading_h1;
    let mut heading_at = 0;
    let mut in_leading = false;
    // The id of the heading open now: its end gets a link to itself.
    let mut open_id: Option<String> = None;
    let events =
        Parser::new_ext(markdown_text, markdown::options()).filter_map(|event| match event {
            _ if in_leading => {
                if matches!(event, Event::End(TagEnd::Heading(_))) {
                    in_leading = false;
                }
                None
            }
            Event::Start(Tag::Heading {
                level,
                id: _,
                classes,
                attrs,
            }) => {
                let id = headings.next().map(|h| h.id.clone());
                heading_at += 1;
                if Some(heading_at - 1) == leading {
                    in_leading = true;
                    return None;
                }
                open_id = id.clone();
                Some(Event::Start(Tag::Heading {
                    level: section_level(level),
                    id: id.map(CowStr::from),
                    classes,
                    attrs,
                }))
            }
            // A heading ends with a link to itself: written here with the
            // heading's end tag, as pulldown-cmark writes that tag.
            Event::End(TagEnd::Heading(level)) => match open_id.take() {
                Some(id) => Some(Event::InlineHtml(
                    format!("{}</{}>\n", heading_anchor(&id), section_level(level)).into(),
                )),
                None => Some(Event::End(TagEnd::Heading(section_level(level)))),
            },
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Some(Event::Start(Tag::Link {
                // An email autolink is written as the `mailto:` link it is.
                link_type: match link_type {
                    LinkType::Email => LinkType::Inline,
                    other => other,
                },
                dest_url: href(&markdown::link_dest(link_type, dest_url)).into(),
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
                dest_url: href(&dest_url).into(),
                title,
                id,
            })),
            Event::Html(html) | Event::InlineHtml(html) if is_only_comments(&html) => None,
            Event::Html(html) | Event::InlineHtml(html) if html_as_text => Some(Event::Text(html)),
            Event::Html(html) => {
                raw_html = true;
                Some(Event::Html(rewrite_html(html, &mut href)))
            }
            Event::InlineHtml(html) => {
                raw_html = true;
                Some(Event::InlineHtml(rewrite_html(html, &mut href)))
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

/// The link a section heading ends with, to its own anchor: readers copy
/// it to point at the section (vouch.js adds a button that copies it). A
/// card's raw HTML may give a link the same class: it only styles a link.
fn heading_anchor(id: &str) -> String {
    let id = markdown::escape_html(id);
    format!(r##" <a class="heading-anchor" href="#{id}" aria-labelledby="{id}">#</a>"##)
}

/// A body heading's level on the page, whose one H1 is the title.
fn section_level(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        other => other,
    }
}

/// Raw HTML with its `href` and `src` values written as the model says
/// (ammonia then sanitises the whole body).
fn rewrite_html<'a>(html: CowStr<'a>, href: &mut dyn FnMut(&str) -> String) -> CowStr<'a> {
    let found = markdown::html_links(&html);
    if found.is_empty() {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 16);
    let mut at = 0;
    for (value, _) in found {
        out.push_str(&html[at..value.start]);
        let url = href(&markdown::decode_entities(&html[value.clone()]));
        for c in url.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                ' ' => out.push_str("%20"),
                c => out.push(c),
            }
        }
        at = value.end;
    }
    out.push_str(&html[at..]);
    out.into()
}

/// The `href` of a resolved link on a page `prefix` below the site's root.
fn address(
    target: &LinkTarget,
    dest: &str,
    own: Option<usize>,
    prefix: &str,
    model: &Model,
) -> String {
    match target {
        LinkTarget::External => dest.to_owned(),
        LinkTarget::Unsafe => "#".to_owned(),
        LinkTarget::Elsewhere(url) => url.clone(),
        LinkTarget::Card {
            card,
            fragment: Some(f),
        } if Some(*card) == own => format!("#{}", f.id.as_deref().unwrap_or(&f.written)),
        // Broken or unpublished: `check` reports it; the link stays as written.
        _ => match model.address(target) {
            Some(address) => match address.split_once('#') {
                Some((path, fragment)) => format!("{prefix}{}#{fragment}", urls::href(path)),
                None => format!("{prefix}{}", urls::href(&address)),
            },
            None => dest.to_owned(),
        },
    }
}

/// ammonia's defaults (no script, no event handlers, no `javascript:` URLs),
/// keeping what pulldown-cmark itself writes: heading and footnote ids, code
/// classes, task-list checkboxes.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["id", "class"])
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .attribute_filter(|element, attribute, value| match attribute {
                "class" => own_class(element, value).map(Into::into),
                // The page's own landmarks and widgets keep their ids.
                "id" if markdown::PAGE_IDS.contains(&value) => None,
                _ => Some(value.into()),
            });
        b
    })
}

/// The classes pulldown-cmark itself writes, and only those: a card's raw
/// HTML may not borrow the site's (`badge badge-fresh` would draw a trust
/// badge the card never earned).
fn own_class(element: &str, value: &str) -> Option<String> {
    let kept: Vec<&str> = value
        .split_ascii_whitespace()
        .filter(|class| match element {
            "code" => class.starts_with("language-") && !class.contains(['<', '>', '"']),
            "div" => matches!(*class, "footnote-definition" | "warning-text"),
            "a" => *class == "heading-anchor",
            "sup" => matches!(*class, "footnote-reference" | "footnote-definition-label"),
            _ => false,
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join(" "))
}
