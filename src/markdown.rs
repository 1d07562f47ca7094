//! One pass over a card's Markdown body that finds what the checks need:
//! headings (with GitHub-compatible ids), links, sections and guidance comments.
//! Rendering to HTML lives elsewhere; this module only reads.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// The Markdown extensions vouch reads: GitHub's tables, task lists,
/// strikethrough and footnotes.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// The anchor id, by GitHub's rule, made unique within the card.
    pub id: String,
    /// Byte range in the file.
    pub span: Range<usize>,
    /// Whether anything but comments and blank space follows before the next
    /// heading of the same or a higher level.
    pub has_content: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub dest: String,
    pub span: Range<usize>,
    pub is_image: bool,
}

/// What a body holds, with byte ranges into the whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    /// `<!-- guidance: … -->` comments left from a template.
    pub guidance: Vec<Range<usize>>,
    /// The text of the first level-1 heading, used when a card has no title.
    pub first_h1: Option<String>,
    /// The heading (by position in `headings`) that opens the body, when it
    /// is a level-1 heading: it is the page's title, shown once, as the
    /// page's own H1.
    pub leading_h1: Option<usize>,
    /// How deep raw HTML elements nest, and where the deepest one opens.
    pub html_depth: Option<(usize, Range<usize>)>,
}

impl Outline {
    /// Moves every span through `f`: from a rewritten body back to the file.
    pub fn map_spans(&mut self, f: impl Fn(Range<usize>) -> Range<usize>) {
        for h in &mut self.headings {
            h.span = f(h.span.clone());
        }
        for l in &mut self.links {
            l.span = f(l.span.clone());
        }
        for g in &mut self.guidance {
            *g = f(g.clone());
        }
        if let Some((_, span)) = &mut self.html_depth {
            *span = f(span.clone());
        }
    }
}

/// Raw HTML nested deeper than this is shown as text: the HTML parser that
/// sanitises it takes time quadratic in the depth (40,000 nested `<div>`
/// took 21 s), and no card needs it.
pub const MAX_HTML_DEPTH: usize = 200;

/// Follows how deep elements nest through successive raw HTML fragments:
/// `depth` is the running depth; returns the deepest it reached within
/// `html`. Void elements, self-closing tags and comments do not nest.
pub fn html_nesting(html: &str, depth: &mut usize) -> usize {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let mut deepest = *depth;
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let self_closing = rest[..end].ends_with('/');
        if closing {
            *depth = depth.saturating_sub(1);
        } else if !self_closing && !VOID.contains(&name.as_str()) {
            *depth += 1;
            deepest = deepest.max(*depth);
        }
        rest = &rest[end..];
    }
    deepest
}

/// Reads `text[body]`.
pub fn outline(text: &str, body: Range<usize>) -> Outline {
    let base = body.start;
    let markdown = &text[body];
    let mut out = Outline::default();
    let mut ids = Ids::default();
    let mut open: Vec<usize> = Vec::new();
    let mut in_heading: Option<(HeadingLevel, usize, String)> = None;
    let mut html_depth = 0;
    // Whether a block other than comments came before.
    let mut opened = false;

    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        let span = base + range.start..base + range.end;
        match &event {
            Event::Start(Tag::Heading { level, .. }) => {
                if !opened && *level == HeadingLevel::H1 {
                    out.leading_h1 = Some(out.headings.len());
                }
                opened = true;
            }
            Event::Start(Tag::HtmlBlock) => {}
            Event::Html(html) | Event::InlineHtml(html) if is_only_comments(html) => {}
            Event::Start(_) | Event::Html(_) | Event::Rule | Event::Text(_) => opened = true,
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some((level, span.start, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, start, heading_text)) = in_heading.take() else {
                    continue;
                };
                let level = level as u8;
                while open.last().is_some_and(|&i| out.headings[i].level >= level) {
                    open.pop();
                }
                let text = heading_text.trim().to_owned();
                if level == 1 && out.first_h1.is_none() {
                    out.first_h1 = Some(text.clone());
                }
                let id = unique_id(github_slug(&text), &mut ids);
                out.headings.push(Heading {
                    level,
                    text,
                    id,
                    span: start..span.end,
                    has_content: false,
                });
                open.push(out.headings.len() - 1);
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, heading_text)) = &mut in_heading {
                    heading_text.push_str(&t);
                } else if !t.trim().is_empty() {
                    mark_content(&mut out.headings, &open);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                find_guidance(&html, span.start, &mut out.guidance);
                let deepest = html_nesting(&html, &mut html_depth);
                if out.html_depth.as_ref().is_none_or(|(d, _)| deepest > *d) && deepest > 0 {
                    out.html_depth = Some((deepest, span.clone()));
                }
                for (value, is_image) in html_links(&html) {
                    out.links.push(Link {
                        dest: decode_entities(&html[value.clone()]),
                        span: span.start + value.start..span.start + value.end,
                        is_image,
                    });
                }
                if !is_only_comments(&html) && in_heading.is_none() {
                    mark_content(&mut out.headings, &open);
                }
            }
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                ..
            }) => {
                out.links.push(Link {
                    dest: link_dest(link_type, dest_url),
                    span,
                    is_image: false,
                });
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                mark_content(&mut out.headings, &open);
                out.links.push(Link {
                    dest: dest_url.into_string(),
                    span,
                    is_image: true,
                });
            }
            Event::Rule
            | Event::TaskListMarker(_)
            | Event::FootnoteReference(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => mark_content(&mut out.headings, &open),
            _ => {}
        }
    }
    out
}

/// A link's destination as a reader follows it: an email autolink
/// (`<name@example.com>`) is a `mailto:` link.
pub fn link_dest(link_type: pulldown_cmark::LinkType, dest: pulldown_cmark::CowStr) -> String {
    match link_type {
        pulldown_cmark::LinkType::Email => format!("mailto:{dest}"),
        _ => dest.into_string(),
    }
}

/// The body's readable text without its headings: what search indexes as
/// "body" and cuts snippets from. Paragraphs are separated by newlines.
pub fn plain_text(text: &str, body: Range<usize>) -> String {
    plain_sections(&text[body]).concat()
}

/// The readable text of each section of `markdown`, without headings: the
/// text before the first heading, then the text after each heading up to the
/// next, so the `k`-th heading of the outline starts section `k + 1`.
pub fn plain_sections(markdown: &str) -> Vec<String> {
    let mut sections = vec![String::new()];
    let mut in_heading = false;
    for event in Parser::new_ext(markdown, options()) {
        let out = sections.last_mut().expect("one section at least");
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                sections.push(String::new());
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) | Event::Code(t) if !in_heading => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak if !in_heading => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock,
            ) if !out.ends_with('\n') && !out.is_empty() => out.push('\n'),
            _ => {}
        }
    }
    sections
}

fn mark_content(headings: &mut [Heading], open: &[usize]) {
    for &i in open {
        headings[i].has_content = true;
    }
}

/// GitHub's heading-id rule: lower-case, drop everything but letters, marks,
/// digits, `_`, `-` and spaces (in every script), then spaces become `-`.
pub fn github_slug(text: &str) -> String {
    if text.is_ascii() {
        // The same rule without Unicode tables: most headings are ASCII.
        let mut slug = String::with_capacity(text.len());
        for b in text.bytes() {
            match b {
                b' ' => slug.push('-'),
                b'-' | b'_' => slug.push(char::from(b)),
                b if b.is_ascii_alphanumeric() => slug.push(char::from(b.to_ascii_lowercase())),
                _ => {}
            }
        }
        return slug;
    }
    unicode_slug(text)
}

fn unicode_slug(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|&c| {
            if c.is_ascii() {
                return c.is_ascii_alphanumeric() || matches!(c, '-' | ' ' | '_');
            }
            matches!(
                c.general_category_group(),
                GeneralCategoryGroup::Letter | GeneralCategoryGroup::Mark
            ) || c.general_category() == unicode_properties::GeneralCategory::DecimalNumber
                || c.general_category() == unicode_properties::GeneralCategory::ConnectorPunctuation
        })
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Ids the site's pages and scripts give their own elements (landmarks,
/// the search widgets, the trust panel): a card's heading or raw HTML never
/// takes one, or a link or a script would reach the card's element instead.
pub const PAGE_IDS: &[&str] = &[
    "collections",
    "main",
    "other-cards",
    "recent",
    "search-form",
    "search-more",
    "search-q",
    "search-results",
    "search-status",
    "site-search-panel",
    "site-search-q",
    "site-search-results",
    "toc-heading",
    "todo",
    "trust-heading",
    "vouch-build-error",
];

/// GitHub numbers repeated ids: `faq`, `faq-1`, `faq-2`. A page's own id
/// counts as taken: a heading "Main" is `main-1`.
fn unique_id(slug: String, seen: &mut Ids) -> String {
    let taken = seen
        .get(&slug)
        .or_else(|| PAGE_IDS.contains(&slug.as_str()).then_some(0));
    let Some(count) = taken else {
        seen.set(slug.clone(), 0);
        return slug;
    };
    let mut n = count;
    let id = loop {
        n += 1;
        let candidate = format!("{slug}-{n}");
        if seen.get(&candidate).is_none() {
            break candidate;
        }
    };
    seen.set(slug, n);
    seen.set(id.clone(), 0);
    id
}

/// The anchor ids a card has given so far, each with the last number a
/// repeat of it took. Most cards have a handful of headings: those are
/// looked up in a short list (no hash table to build per card); past
/// [`Ids::FEW`] they move to a hash map, so a card of thousands of
/// headings stays linear.
#[derive(Default)]
struct Ids {
    few: Vec<(String, usize)>,
    many: HashMap<String, usize>,
}

impl Ids {
    const FEW: usize = 32;

    fn get(&self, id: &str) -> Option<usize> {
        if self.many.is_empty() {
            self.few.iter().find(|(k, _)| k == id).map(|&(_, n)| n)
        } else {
            self.many.get(id).copied()
        }
    }

    fn set(&mut self, id: String, n: usize) {
        if self.many.is_empty() {
            if let Some(entry) = self.few.iter_mut().find(|(k, _)| *k == id) {
                entry.1 = n;
                return;
            }
            if self.few.len() < Self::FEW {
                self.few.push((id, n));
                return;
            }
            self.many = self.few.drain(..).collect();
        }
        self.many.insert(id, n);
    }
}

const GUIDANCE: &str = "guidance:";

fn find_guidance(html: &str, offset: usize, found: &mut Vec<Range<usize>>) {
    let mut from = 0;
    while let Some(start) = html[from..].find("<!--").map(|i| from + i) {
        let end = html[start..]
            .find("-->")
            .map_or(html.len(), |i| start + i + 3);
        if html[start + 4..end].trim_start().starts_with(GUIDANCE) {
            found.push(offset + start..offset + end);
        }
        from = end;
    }
}

/// Where raw HTML names a URL: the byte ranges of the values of `href` and
/// `src` attributes, and whether each is an `<img>`'s. Comments are
/// skipped; a tag cut off at the end of `html` is read as far as it goes.
pub fn html_links(html: &str) -> Vec<(Range<usize>, bool)> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(open) = html[i..].find('<').map(|o| i + o) {
        if html[open..].starts_with("<!--") {
            i = html[open..]
                .find("-->")
                .map_or(html.len(), |e| open + e + 3);
            continue;
        }
        let name_end = html[open + 1..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .map_or(html.len(), |e| open + 1 + e);
        let is_img = html[open + 1..name_end].eq_ignore_ascii_case("img");
        let mut j = name_end;
        // Attributes, until the tag closes.
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                break;
            }
            let name_start = j;
            while j < bytes.len()
                && !bytes[j].is_ascii_whitespace()
                && !matches!(bytes[j], b'=' | b'>' | b'/')
            {
                j += 1;
            }
            let name = &html[name_start..j];
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] != b'=' {
                continue;
            }
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let value = match bytes.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = html[j + 1..]
                        .find(q as char)
                        .map_or(html.len(), |e| j + 1 + e);
                    let v = j + 1..end;
                    j = (end + 1).min(html.len());
                    v
                }
                _ => {
                    let start = j;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    start..j
                }
            };
            if name.eq_ignore_ascii_case("href") || name.eq_ignore_ascii_case("src") {
                out.push((value, is_img));
            }
        }
        i = j.max(open + 1);
    }
    out
}

/// Whether raw HTML holds nothing but comments (such as template guidance).
pub fn is_only_comments(html: &str) -> bool {
    let mut rest = html.trim();
    while let Some(after) = rest.strip_prefix("<!--") {
        match after.find("-->") {
            Some(end) => rest = after[end + 3..].trim_start(),
            None => return true,
        }
    }
    rest.is_empty()
}

/// An attribute value as a browser reads it: character references
/// decoded (numeric ones and the common named ones), then the tabs and
/// newlines a URL parser drops removed.
pub fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..].find(|c: char| !c.is_ascii_alphanumeric() && c != '#');
        let (name, after) = match end {
            Some(e) => (&rest[1..1 + e], &rest[1 + e..]),
            None => (&rest[1..], ""),
        };
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            "colon" => Some(':'),
            _ => name.strip_prefix('#').and_then(|n| {
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                };
                code.and_then(char::from_u32)
            }),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = after.strip_prefix(';').unwrap_or(after);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.retain(|c| !matches!(c, '\t' | '\n' | '\r'));
    out
}

/// Escapes text for HTML and XML: messages around markup, charts, the sitemap.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let _ = write_escaped(&mut out, s);
    out
}

/// Writes `text` with `&<>"'` escaped, which is all HTML text, quoted
/// attributes and XML need; plain runs are written whole.
pub fn write_escaped<W: std::fmt::Write>(out: &mut W, text: &str) -> std::fmt::Result {
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[start..i])?;
        out.write_str(entity)?;
        start = i + 1;
    }
    out.write_str(&text[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_slugs_follow_the_unicode_rule() {
        let every: String = (0u8..128).map(char::from).collect();
        for text in [
            every.as_str(),
            "Set Up  SSO_now -- v2 (beta)!",
            "  Ünïcode? no: ASCII ",
        ] {
            if text.is_ascii() {
                assert_eq!(github_slug(text), unicode_slug(text), "{text:?}");
            }
        }
        assert_eq!(
            github_slug("Set Up  SSO_now -- v2"),
            "set-up--sso_now----v2"
        );
    }

    #[test]
    fn raw_html_links_are_found() {
        let html = r#"<a href="a.md#x">x</a><!-- <a href="no.md"> --><img alt='i' src='p.png'/><a HREF=b.md>"#;
        let found: Vec<(&str, bool)> = html_links(html)
            .into_iter()
            .map(|(r, img)| (&html[r], img))
            .collect();
        assert_eq!(found, [("a.md#x", false), ("p.png", true), ("b.md", false)]);
        assert_eq!(decode_entities("jav&#x09;ascript&colon;x"), "javascript:x");
        assert_eq!(decode_entities("a&amp;b&#39;&unknown;"), "a&b'&unknown;");
    }

    #[test]
    fn slugs_follow_github_in_every_script() {
        assert_eq!(github_slug("Hello, World!"), "hello-world");
        assert_eq!(
            github_slug("Verificação de reembolsos"),
            "verificação-de-reembolsos"
        );
        assert_eq!(github_slug("מדיניות החזרים"), "מדיניות-החזרים");
        assert_eq!(
            github_slug("Why `vouch check` fails?"),
            "why-vouch-check-fails"
        );
        assert_eq!(github_slug("C++ & Rust_2 — fast"), "c--rust_2--fast");
        assert_eq!(github_slug("返金ポリシー 🚀"), "返金ポリシー-");
        assert_eq!(github_slug("हिन्दी"), "हिन्दी");
    }

    /// The short list and the hash map give the same ids as one hash map
    /// would, across the switch from one to the other.
    #[test]
    fn anchor_ids_are_the_same_past_the_short_list() {
        fn reference(slugs: &[String]) -> Vec<String> {
            let mut seen: HashMap<String, usize> = HashMap::default();
            let mut out = Vec::new();
            for slug in slugs {
                let id = match seen.get(slug).copied() {
                    None => slug.clone(),
                    Some(mut n) => loop {
                        n += 1;
                        let candidate = format!("{slug}-{n}");
                        if !seen.contains_key(&candidate) {
                            seen.insert(slug.clone(), n);
                            break candidate;
                        }
                    },
                };
                seen.insert(id.clone(), 0);
                out.push(id);
            }
            out
        }
        let words = ["faq", "faq-1", "steps", "faq-2", "steps-1", "a"];
        // A fixed pseudo-random sequence of 300 slugs from those words.
        let mut x: u32 = 7;
        let slugs: Vec<String> = (0..300)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                words[(x >> 16) as usize % words.len()].to_owned()
            })
            .collect();
        let mut ids = Ids::default();
        let got: Vec<String> = slugs
            .iter()
            .map(|s| unique_id(s.clone(), &mut ids))
            .collect();
        assert!(!ids.many.is_empty(), "the test passes the short list's end");
        assert_eq!(got, reference(&slugs));
    }

    #[test]
    fn repeated_headings_are_numbered() {
        let text = "# FAQ\n## FAQ\n## FAQ\n## FAQ 1\n";
        let ids: Vec<_> = outline(text, 0..text.len())
            .headings
            .into_iter()
            .map(|h| h.id)
            .collect();
        assert_eq!(ids, ["faq", "faq-1", "faq-2", "faq-1-1"]);
    }

    #[test]
    fn sections_know_whether_they_hold_content() {
        let text = "## Empty\n<!-- guidance: say it -->\n## Full\nText.\n## Parent\n### Child\n- item\n## Last\n";
        let o = outline(text, 0..text.len());
        let content: Vec<_> = o
            .headings
            .iter()
            .map(|h| (h.text.as_str(), h.has_content))
            .collect();
        assert_eq!(
            content,
            [
                ("Empty", false),
                ("Full", true),
                ("Parent", true),
                ("Child", true),
                ("Last", false)
            ]
        );
        assert_eq!(o.guidance.len(), 1);
        assert_eq!(&text[o.guidance[0].clone()], "<!-- guidance: say it -->");
    }

    #[test]
    fn links_keep_their_offsets() {
        let text = "x\n\nSee [a](other.md#part) and ![i](img.png).\n";
        let o = outline(text, 2..text.len());
        assert_eq!(o.links.len(), 2);
        assert_eq!(o.links[0].dest, "other.md#part");
        assert_eq!(&text[o.links[0].span.clone()], "[a](other.md#part)");
        assert!(o.links[1].is_image);
    }
}

/// `markdown` with the destinations of its links and images replaced where
/// `replace` returns a new one, in inline links and in reference
/// definitions; every other byte is kept.
pub fn rewrite_destinations(
    markdown: &str,
    mut replace: impl FnMut(&str) -> Option<String>,
) -> String {
    use pulldown_cmark::LinkType;

    let parser = Parser::new_ext(markdown, options()).into_offset_iter();
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut edit = |span: Range<usize>, dest: &str, edits: &mut Vec<(Range<usize>, String)>| {
        let Some(new) = replace(dest) else { return };
        // The destination as written is the last occurrence in the span
        // (`[![image](a)](b)`: `b` comes last); escaped or angle-bracketed
        // forms that differ from the parsed text are left alone.
        if let Some(at) = markdown[span.clone()].rfind(dest) {
            let start = span.start + at;
            edits.push((start..start + dest.len(), new));
        }
    };
    let definitions: Vec<(String, Range<usize>)> = parser
        .reference_definitions()
        .iter()
        .map(|(_, def)| (def.dest.to_string(), def.span.clone()))
        .collect();
    for (event, span) in parser {
        if let Event::Start(
            Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                ..
            }
            | Tag::Image {
                link_type: LinkType::Inline,
                dest_url,
                ..
            },
        ) = event
        {
            edit(span, &dest_url, &mut edits);
        }
    }
    for (dest, span) in definitions {
        edit(span, &dest, &mut edits);
    }
    edits.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for (range, new) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&markdown[at..range.start]);
        out.push_str(&new);
        at = range.end;
    }
    out.push_str(&markdown[at..]);
    out
}

#[cfg(test)]
mod rewrite_tests {
    use super::rewrite_destinations;

    #[test]
    fn rewrites_inline_nested_and_reference_destinations_only() {
        let md = "See [a](cards/a) and [![i](resources/x.png)](cards/b \"t\").\n\n[r][ref] `[c](cards/c)`\n\n[ref]: cards/r\n";
        let out = rewrite_destinations(md, |d| {
            d.strip_prefix("cards/").map(|id| format!("{id}.md"))
        });
        assert_eq!(
            out,
            "See [a](a.md) and [![i](resources/x.png)](b.md \"t\").\n\n[r][ref] `[c](cards/c)`\n\n[ref]: r.md\n"
        );
    }
}
