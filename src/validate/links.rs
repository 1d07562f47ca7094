//! Link rules: relative links resolve to a card or file inside the root, links
//! to headings name a heading that exists, and no two cards share an id.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Dialect, Workspace};
use crate::markdown::Heading;
use crate::model::card::{Card, card_id};
use crate::model::fields::closest;

/// Cards by id, for resolving links.
pub struct Index<'a> {
    by_id: HashMap<&'a str, &'a Card>,
    /// A tech-docs-gem repository: site-absolute links (`/manual/x.html`)
    /// name paths under the root (the site is its `source/` folder), and
    /// anchors may use the gem's (Redcarpet's) heading ids.
    tech_docs: bool,
    /// Paths the site redirects (tech-docs-gem's `redirects:`), which links may name.
    redirects: &'a BTreeMap<String, String>,
}

impl<'a> Index<'a> {
    pub fn new(ws: &'a Workspace) -> Self {
        let mut by_id = HashMap::with_capacity(ws.cards.len());
        for card in &ws.cards {
            by_id.entry(card.id.as_str()).or_insert(card);
        }
        Index {
            by_id,
            tech_docs: ws.dialect == Dialect::TechDocs,
            redirects: &ws.redirects,
        }
    }

    /// Resolves `dest` as written in `from`, the way this root's site does.
    pub fn resolve<'d>(&self, dest: &'d str, from: &Card) -> Target<'d> {
        resolve_in_site(dest, &from.rel_path, self.tech_docs)
    }

    /// Where the site redirects the path `rel`, as `redirects:` writes it.
    pub fn redirect(&self, rel: &str) -> Option<&'a str> {
        self.redirects.get(rel).map(String::as_str)
    }

    /// The heading of `target` a link's `#fragment` names: by its id, or in
    /// a tech-docs-gem repository also by the id the gem gives it.
    pub fn heading_for(&self, target: &'a Card, fragment: &str) -> Option<&'a Heading> {
        let fragment = percent_decode(fragment);
        let headings = &target.outline.headings;
        headings.iter().find(|h| h.id == fragment).or_else(|| {
            if !self.tech_docs {
                return None;
            }
            headings.iter().find(|h| {
                // The gem's pages title their H1 with ERB that prints the title.
                let text = if h.text.replace(' ', "") == "<%=current_page.data.title%>" {
                    target.title()
                } else {
                    &h.text
                };
                redcarpet_id(text) == fragment || crate::markdown::github_slug(text) == fragment
            })
        })
    }

    /// The fragment to write in the site for a link to `target`'s
    /// `#fragment`: as written, except that in a tech-docs-gem repository a
    /// fragment in the gem's style becomes the id the heading has here.
    pub fn anchor<'f>(&self, target: &'a Card, fragment: &'f str) -> &'f str
    where
        'a: 'f,
    {
        if !self.tech_docs {
            return fragment;
        }
        self.heading_for(target, fragment)
            .map_or(fragment, |h| h.id.as_str())
    }

    pub fn get(&self, id: &str) -> Option<&'a Card> {
        self.by_id.get(id).copied()
    }

    /// The card a path under the root names: `x.md` or `x.html.md` by id, or
    /// tech-docs-gem's `x.html` for the card `x.html.md`.
    pub fn card_at(&self, rel: &str) -> Option<&'a Card> {
        ids_named_by(rel).find_map(|id| self.get(id))
    }

    /// The card a link written in `from` leads to, if it leads to one.
    pub fn linked_card(&self, dest: &str, from: &Card) -> Option<&'a Card> {
        match self.resolve(dest, from) {
            Target::Path { rel, .. } => self.card_at(&rel),
            _ => None,
        }
    }
}

/// The card ids a path under the root may name, most likely first: its id
/// (`x.md`, `x.html.md`, `x.html.md.erb`), or tech-docs-gem's `x.html`.
pub fn ids_named_by(rel: &str) -> impl Iterator<Item = &str> {
    card_id(rel).into_iter().chain(rel.strip_suffix(".html"))
}

/// A relative link resolved against the card that holds it.
#[derive(Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// Not checked: a URL with a scheme, a protocol-relative or site-absolute path.
    External,
    /// A heading of the same card.
    SelfAnchor(&'a str),
    /// A path under the root, with an optional fragment.
    Path {
        rel: String,
        fragment: Option<&'a str>,
    },
    /// A path that climbs out of the root.
    OutsideRoot,
}

/// Resolves `dest` as written in the card at `from_rel`; with
/// `site_absolute`, a link starting with one `/` is resolved from the root.
pub fn resolve_in_site<'d>(dest: &'d str, from_rel: &str, site_absolute: bool) -> Target<'d> {
    let dest = dest.trim();
    match dest.strip_prefix('/') {
        Some(path) if site_absolute && !path.starts_with('/') => {
            resolve(path, "").into_site_absolute()
        }
        _ => resolve(dest, from_rel),
    }
}

impl Target<'_> {
    /// A site-absolute link resolved from the root: a bare `/` or `/#x` is
    /// the site's home, not an anchor of the card.
    fn into_site_absolute(self) -> Self {
        match self {
            Target::SelfAnchor(_) => Target::External,
            other => other,
        }
    }
}

/// Resolves `dest` as written in the card at `from_rel` (a path under the root).
pub fn resolve<'d>(dest: &'d str, from_rel: &str) -> Target<'d> {
    let dest = dest.trim();
    if dest.is_empty() || has_scheme(dest) || dest.starts_with('/') || dest.starts_with('\\') {
        return Target::External;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    if path.is_empty() {
        return match fragment {
            Some(f) => Target::SelfAnchor(f),
            None => Target::External,
        };
    }
    let decoded = percent_decode(path);
    let mut parts: Vec<&str> = from_rel.split('/').collect();
    parts.pop();
    for segment in decoded.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Target::OutsideRoot;
                }
            }
            s => parts.push(s),
        }
    }
    Target::Path {
        rel: parts.join("/"),
        fragment,
    }
}

fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Decodes `%XX` escapes; invalid ones stay as written.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn check(card: &Card, index: &Index, root: &Path, out: &mut Vec<Diagnostic>) {
    for link in &card.outline.links {
        let at = |code, message: String| {
            Diagnostic::at(
                code,
                card.file.clone(),
                &card.source,
                link.span.clone(),
                message,
            )
        };
        match index.resolve(&link.dest, card) {
            Target::External => {}
            Target::OutsideRoot => out.push(
                at(
                    Code::BrokenLink,
                    format!("`{}` leads outside the knowledge root", link.dest),
                )
                .with_help("link only to cards and files inside the root"),
            ),
            Target::SelfAnchor(fragment) => {
                check_anchor(card, card, fragment, &link.dest, index, &at, out)
            }
            Target::Path { rel, fragment } => {
                let target = index.card_at(&rel);
                match target {
                    Some(target) => {
                        if let Some(fragment) = fragment {
                            check_anchor(card, target, fragment, &link.dest, index, &at, out);
                        }
                    }
                    None if index.redirect(&rel).is_some() => {}
                    None if rel.ends_with(".md") => {
                        let ids = index.by_id.keys().copied();
                        let wanted = card_id(&rel).unwrap_or(&rel);
                        let d = at(
                            Code::BrokenLink,
                            format!("`{}` does not lead to a card (looked for {rel})", link.dest),
                        );
                        out.push(match closest(wanted, ids) {
                            Some(hint) => d.with_help(format!("did you mean the card `{hint}`? Links are relative to this card's folder")),
                            None => d.with_help("links are relative to this card's folder; check the path and the file name"),
                        });
                    }
                    None => {
                        let path = root.join(&rel);
                        if !path.exists() {
                            let what = if link.is_image { "image" } else { "file" };
                            out.push(
                                at(Code::BrokenLink, format!("{what} `{}` does not exist (looked for {rel})", link.dest))
                                    .with_help(if link.dest.trim_start().starts_with('/') {
                                        "site-absolute links start at the site's root (the `source/` folder); check the path and the file name"
                                    } else {
                                        "links are relative to this card's folder; check the path and the file name"
                                    }),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The heading id Redcarpet's `with_toc_data` gives, as tech-docs-gem
/// sites have it: the HTML-escaped text, lower-case ASCII letters and digits,
/// every run of anything else one `-` (so `We're` is `we-39-re`).
pub fn redcarpet_id(text: &str) -> String {
    const STRIPPED: &str = " -&+$,/:;=?@\"#{}|^~[]`\\*()%.!'";
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    let mut id = String::with_capacity(escaped.len());
    let mut dash = false;
    for c in escaped.chars() {
        if !c.is_ascii() || STRIPPED.contains(c) {
            dash = !id.is_empty();
        } else {
            if dash {
                id.push('-');
                dash = false;
            }
            id.push(c.to_ascii_lowercase());
        }
    }
    id
}

fn check_anchor(
    card: &Card,
    target: &Card,
    fragment: &str,
    dest: &str,
    index: &Index,
    at: &dyn Fn(Code, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    if fragment.is_empty() || index.heading_for(target, fragment).is_some() {
        return;
    }
    let fragment = percent_decode(fragment);
    let whose = if std::ptr::eq(card, target) {
        "this card".to_owned()
    } else {
        format!("`{}`", target.id)
    };
    let d = at(
        Code::BrokenAnchor,
        format!("`{dest}`: {whose} has no heading `#{fragment}`"),
    );
    out.push(
        match closest(
            &fragment,
            target.outline.headings.iter().map(|h| h.id.as_str()),
        ) {
            Some(hint) => d.with_help(format!("did you mean `#{hint}`?")),
            None if target.outline.headings.is_empty() => {
                d.with_help(format!("{whose} has no headings"))
            }
            None => d.with_help(format!(
                "its heading ids are: {}",
                target
                    .outline
                    .headings
                    .iter()
                    .map(|h| format!("#{}", h.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
    );
}

/// `duplicate-id`: `a.md` and `a.html.md` would both publish at `/a/`.
pub fn check_duplicates(cards: &[Card], out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &Card> = HashMap::new();
    for card in cards {
        match first.get(card.id.as_str()) {
            None => {
                first.insert(&card.id, card);
            }
            Some(original) => out.push(
                Diagnostic::at(
                    Code::DuplicateId,
                    card.file.clone(),
                    &card.source,
                    0..0,
                    format!(
                        "this card has the id `{}`, like {}",
                        card.id, original.rel_path
                    ),
                )
                .with_help("rename one of the two files: both would publish at the same address"),
            ),
        }
    }
}

/// `duplicate-id` for cards whose pages would collide with the site's own
/// pages (`tags/`, `owners/`, …) or with a collection's page.
pub fn check_reserved(
    cards: &[Card],
    collections: &[&str],
    reserved: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    let mut reported_collections = Vec::new();
    for card in cards {
        let first = card.id.split('/').next().unwrap_or_default();
        let at_root = !card.id.contains('/');
        let clash = if reserved.contains(&first) {
            if !at_root && reported_collections.contains(&first) {
                continue;
            }
            reported_collections.push(first);
            Some(format!("the site uses `/{first}/` for its own pages"))
        } else if at_root && collections.contains(&first) {
            Some(format!(
                "the collection `{first}` has its page at `/{first}/`"
            ))
        } else {
            None
        };
        if let Some(why) = clash {
            let what = if at_root {
                "this card"
            } else {
                "this collection"
            };
            out.push(
                Diagnostic::at(
                    Code::DuplicateId,
                    card.file.clone(),
                    &card.source,
                    0..0,
                    format!("{what} cannot be published at `/{first}/`: {why}"),
                )
                .with_help("rename the file or folder"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redcarpet_id;

    #[test]
    fn redcarpet_ids_match_the_gem_sites() {
        assert_eq!(
            redcarpet_id("What we're trying to fix"),
            "what-we-39-re-trying-to-fix"
        );
        assert_eq!(
            redcarpet_id("Deploying a 'Hello World' application"),
            "deploying-a-39-hello-world-39-application"
        );
        assert_eq!(
            redcarpet_id("Sidekiq Web (aka Monitoring)"),
            "sidekiq-web-aka-monitoring"
        );
        assert_eq!(redcarpet_id("Q&A"), "q-amp-a");
    }

    use super::*;

    #[test]
    fn links_resolve_relative_to_the_card() {
        assert_eq!(
            resolve("../product/export.md#limits", "support/refunds.md"),
            Target::Path {
                rel: "product/export.md".into(),
                fragment: Some("limits")
            }
        );
        assert_eq!(resolve("#top", "a.md"), Target::SelfAnchor("top"));
        assert_eq!(
            resolve("../../etc/passwd", "support/a.md"),
            Target::OutsideRoot
        );
        assert_eq!(resolve("https://x.example/a.md", "a.md"), Target::External);
        assert_eq!(resolve("mailto:a@b", "a.md"), Target::External);
        assert_eq!(resolve("/abs.html", "a.md"), Target::External);
        assert_eq!(
            resolve("my%20card.md", "x/a.md"),
            Target::Path {
                rel: "x/my card.md".into(),
                fragment: None
            }
        );
    }
}
