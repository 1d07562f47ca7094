//! The built-in card page written in Rust: the same bytes as
//! `templates/site/card.html` (inside `base.html`, with the macros of
//! `macros.html`) renders, about eight times faster. A card's page is most of
//! a build's pages, and minijinja's lookups and macro calls were a quarter of
//! the build's CPU time (see `knowledge/decisions/compiled-card-page.md`).
//!
//! It is used only while the root overrides none of those three templates;
//! an override goes through minijinja, as every other page does. The test
//! `compiled_card_pages_are_the_templates_bytes` (`tests/site.rs`) builds a
//! root with every kind of card as it is and with a copy of the built-in
//! `card.html` or `macros.html` as its own, and requires the same bytes: a
//! change to the templates that is not made here fails it.

use std::sync::Arc;

use jiff::civil::Date;
use minijinja::Value;
use minijinja::value::{Enumerator, Object};

use crate::markdown::Heading;
use crate::render::i18n::Words;
use crate::render::owners::Contact;
use crate::render::site::{Badge, CardSummary, CardView, CollectionView, SiteInfo};
use crate::resolve::urls;

/// The built-in templates a root may override; with none overridden, card
/// pages and card summaries are written here.
pub const TEMPLATES: &[&str] = &["base.html", "card.html", "macros.html"];

/// A listed card as templates see it (`card_list`'s items): the fields of
/// its [`CardSummary`] and, as HTML, `macros.html`'s `badge`, `title_of`
/// and `card_dates` of it. Made once per build and looked up by name with
/// a match rather than through a map: the site's lists are tens of
/// thousands of items.
#[derive(Debug)]
pub struct Listed {
    fields: [Value; LISTED.len()],
}

/// The names of [`Listed`]'s fields, in the order they are stored.
const LISTED: [&str; 12] = [
    "badge",
    "title_html",
    "dates",
    "url",
    "title",
    "lang",
    "state",
    "verified",
    "due",
    "named_due",
    "expiring_from",
    "collection_title",
];

impl Listed {
    /// `card` with its badge, title and dates as HTML.
    pub fn new(card: &CardSummary, badge: String, title_html: String, dates: String) -> Listed {
        let text = |v: &Option<String>| v.as_deref().map_or(Value::from(()), Value::from);
        Listed {
            fields: [
                Value::from_safe_string(badge),
                Value::from_safe_string(title_html),
                Value::from_safe_string(dates),
                Value::from(card.url.as_str()),
                Value::from(card.title.as_str()),
                Value::from(card.lang.as_str()),
                Value::from(card.state.as_str()),
                text(&card.verified),
                text(&card.due),
                text(&card.named_due),
                text(&card.expiring_from),
                text(&card.collection_title),
            ],
        }
    }

    fn field(&self, name: &str) -> &str {
        LISTED
            .iter()
            .position(|n| *n == name)
            .and_then(|i| self.fields[i].as_str())
            .unwrap_or_default()
    }
}

impl Object for Listed {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        let i = LISTED.iter().position(|n| *n == key)?;
        Some(self.fields[i].clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&LISTED)
    }
}

/// What a card's page shows besides the card itself.
pub struct CardPage<'a> {
    pub info: &'a SiteInfo,
    pub today: Date,
    pub root: &'a str,
    pub card: &'a CardView,
    /// Sections with their subsections, when there are at least two entries.
    pub toc: &'a [(&'a Heading, Vec<&'a Heading>)],
    pub title_id: Option<&'a str>,
    pub crumbs: &'a [&'a CollectionView],
    pub body: &'a str,
    pub backlinks: &'a [&'a Listed],
    pub related: &'a [&'a Listed],
    pub previous: Option<&'a Listed>,
    pub next: Option<&'a Listed>,
}

/// HTML written into a string, with the site's words at hand.
struct Out<'w> {
    s: String,
    w: &'w Words,
}

impl Out<'_> {
    fn raw(&mut self, text: &str) {
        self.s.push_str(text);
    }

    /// `{{ text }}`: escaped.
    fn text(&mut self, text: &str) {
        let _ = crate::markdown::write_escaped(&mut self.s, text);
    }

    /// `<a href="{{ root }}{{ url }}"attrs>{{ text }}</a>`.
    fn link(&mut self, root: &str, url: &str, attrs: &str, text: &str) {
        self.raw("<a href=\"");
        self.raw(root);
        self.text(url);
        self.raw("\"");
        self.raw(attrs);
        self.raw(">");
        self.text(text);
        self.raw("</a>");
    }

    /// `<a href="{{ root }}{{ url }}">{{ tr(key) }}</a>`.
    fn link_tr(&mut self, root: &str, url: &str, key: &str) {
        let text = self.w.fill(key, &[]);
        self.link(root, url, "", &text);
    }

    /// `<time datetime="{{ iso }}">{{ day(iso) }}</time>`.
    fn time(&mut self, iso: &str) {
        self.raw("<time datetime=\"");
        self.text(iso);
        self.raw("\">");
        let day = self.w.day_of(iso);
        self.text(&day);
        self.raw("</time>");
    }

    /// HTML written aside, as a template's `{% set %}` block makes it, to be
    /// filled into a message by [`Out::trh`].
    fn aside(&self, write: impl FnOnce(&mut Out)) -> String {
        let mut o = Out {
            s: String::new(),
            w: self.w,
        };
        write(&mut o);
        o.s
    }

    /// `{{ value }}` of an optional string: nothing for none.
    fn opt(&mut self, value: &Option<String>) {
        if let Some(v) = value {
            self.text(v);
        }
    }

    /// `{{ tr(key, …) }}`: the message filled, escaped.
    fn tr(&mut self, key: &str, args: &[(&str, &str)]) {
        let filled = self.w.fill(key, args);
        self.text(&filled);
    }

    /// `{{ trh(key, …) }}` with every value already HTML.
    fn trh(&mut self, key: &str, args: &[(&str, &str)]) {
        let filled = self.w.fill_with(key, args, crate::markdown::escape_html);
        self.raw(&filled);
    }
}

/// A template value as the `tr` function receives it: none is `none`.
fn arg(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("none")
}

/// Whether a template tests the value true: a non-empty string.
fn truthy(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.is_empty())
}

/// The due day and first expiring day the page's clock re-reads, on a
/// badge or the trust panel.
fn due_attributes(o: &mut Out, due: &Option<String>, expiring_from: &Option<String>) {
    if truthy(due) {
        o.raw(" data-due=\"");
        o.opt(due);
        o.raw("\" data-expiring-from=\"");
        o.opt(expiring_from);
        o.raw("\"");
    }
}

/// `macros.html`'s `badge(card)`.
fn badge(o: &mut Out, state: Badge, due: &Option<String>, expiring_from: &Option<String>) {
    let state = state.as_str();
    o.raw("<span class=\"badge badge-");
    o.raw(state);
    o.raw("\" data-vouch-badge data-state=\"");
    o.raw(state);
    o.raw("\"");
    due_attributes(o, due, expiring_from);
    o.raw(">");
    o.tr(&format!("state_{state}"), &[]);
    o.raw("</span>");
}

/// A card as lists show it: `macros.html`'s `badge`, `title_of` and
/// `card_dates` of its summary.
pub fn listed(w: &Words, card: &CardSummary) -> Listed {
    let mut o = Out {
        s: String::with_capacity(160),
        w,
    };
    badge(&mut o, card.state, &card.due, &card.expiring_from);
    let badge = std::mem::take(&mut o.s);
    if card.lang != w.lang {
        o.raw("<span lang=\"");
        o.text(&card.lang);
        o.raw("\" dir=\"auto\">");
        o.text(&card.title);
        o.raw("</span>");
    } else {
        o.raw("<bdi>");
        o.text(&card.title);
        o.raw("</bdi>");
    }
    let title_html = std::mem::take(&mut o.s);
    match &card.verified {
        Some(v) if !v.is_empty() => o.tr("verified_short", &[("date", &w.day_of(v))]),
        _ => o.tr("never_verified_short", &[]),
    }
    if let Some(due) = card.named_due.as_deref().filter(|d| !d.is_empty()) {
        o.raw(" · ");
        o.tr("due_short", &[("date", &w.day_of(due))]);
    }
    Listed::new(card, badge, title_html, o.s)
}

/// `macros.html`'s `contacts(list)`.
fn contacts(o: &mut Out, list: &[Contact]) {
    for contact in list {
        o.raw(" <span class=\"contact contact-");
        o.text(contact.kind);
        o.raw("\">");
        match &contact.href {
            Some(href) if !href.is_empty() => o.link("", href, "", &contact.label),
            _ => o.text(&contact.label),
        }
        o.raw("</span>");
    }
}

/// `card.html` in `base.html`, for a card that is not a collection's or
/// folder's index card (those list their cards: minijinja renders them).
pub fn card_page(w: &Words, page: &CardPage) -> String {
    let mut o = Out {
        s: String::with_capacity(page.body.len() + 6144),
        w,
    };
    let card = page.card;
    let root = page.root;
    let site = page.info;
    let today = page.today.to_string();
    // base.html, up to its `main` block.
    o.raw("<!doctype html>\n<html lang=\"");
    o.text(&w.lang);
    o.raw("\" dir=\"");
    o.raw(w.dir);
    o.raw("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    o.text(&card.title);
    o.raw(" · ");
    o.text(&site.title);
    o.raw("</title>\n<meta name=\"description\" content=\"");
    if truthy(&site.description) {
        o.opt(&site.description);
    } else {
        o.tr("description", &[("title", &site.title)]);
    }
    o.raw("\">\n<link rel=\"icon\" href=\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%23116329'/%3E%3Cpath d='M4 8.5l2.5 2.5L12 5' stroke='white' stroke-width='2' fill='none'/%3E%3C/svg%3E\">\n<link rel=\"stylesheet\" href=\"");
    o.raw(root);
    o.raw(urls::ASSETS);
    o.raw("style.css\">\n<script src=\"");
    o.raw(root);
    o.raw(urls::ASSETS);
    o.raw("vouch.js\" defer></script>\n<script src=\"");
    o.raw(root);
    o.raw(urls::ASSETS);
    o.raw("search.js\" defer></script>\n<link rel=\"alternate\" type=\"text/markdown\" href=\"");
    o.raw(root);
    o.text(&card.markdown_url);
    o.raw("\">\n</head>\n<body data-built=\"");
    o.raw(&today);
    o.raw("\" data-totals=\"");
    o.raw(root);
    o.raw(urls::TOTALS);
    o.raw("\">\n<a class=\"skip-link\" href=\"#main\">");
    o.tr("skip", &[]);
    o.raw("</a>\n<header class=\"site-header\">\n  <a class=\"site-title\" href=\"");
    o.raw(root);
    o.raw("\">");
    o.text(&site.title);
    o.raw("</a>\n  <form class=\"site-search\" role=\"search\" aria-label=\"");
    o.tr("search_landmark", &[]);
    o.raw("\" action=\"");
    o.raw(root);
    o.raw(urls::SEARCH);
    o.raw("\" method=\"get\" data-root=\"");
    o.raw(root);
    o.raw("\" data-index=\"");
    o.raw(root);
    o.raw(urls::SEARCH_INDEX);
    o.raw("\">\n    <label for=\"site-search-q\" class=\"visually-hidden\">");
    o.tr("search_label", &[]);
    o.raw("</label>\n    <input id=\"site-search-q\" name=\"q\" type=\"search\" placeholder=\"");
    o.tr("search_placeholder", &[]);
    o.raw("\" autocomplete=\"off\">\n  </form>\n  <nav aria-label=\"");
    o.tr("nav", &[]);
    o.raw("\">");
    for (path, key) in [
        (urls::FRESHNESS, "nav_freshness"),
        (urls::OWNERS, "nav_owners"),
        (urls::TAGS, "nav_tags"),
    ] {
        o.raw("\n    <a href=\"");
        o.raw(root);
        o.raw(path);
        o.raw("\">");
        o.tr(key, &[]);
        o.raw("</a>");
    }
    o.raw("\n  </nav>\n</header>\n<main id=\"main\">\n\n");
    main(&mut o, page);
    o.raw("\n</main>\n<footer class=\"site-footer\">\n  <p>");
    o.tr("built", &[("date", &w.day_of(&today))]);
    o.raw(" <span class=\"clock-note\">");
    o.tr("clock", &[]);
    o.raw("</span></p>\n</footer>\n</body>\n</html>");
    o.s
}

/// card.html's `main` block.
fn main(o: &mut Out, page: &CardPage) {
    let w = o.w;
    let card = page.card;
    let root = page.root;
    o.raw("<nav class=\"breadcrumb\" aria-label=\"");
    o.tr("breadcrumb", &[]);
    o.raw("\"><a href=\"");
    o.raw(root);
    o.raw("\">");
    o.tr("home", &[]);
    o.raw("</a>");
    if let Some(url) = card.collection_url.as_deref().filter(|u| !u.is_empty()) {
        o.raw(" › ");
        let title = card.collection_title.as_deref().unwrap_or_default();
        o.link(root, url, " dir=\"auto\"", title);
    }
    for c in page.crumbs {
        o.raw(" › ");
        o.link(root, &c.url, " dir=\"auto\"", &c.title);
    }
    o.raw("</nav>\n<article class=\"card\" lang=\"");
    o.text(&card.lang);
    o.raw("\" dir=\"");
    o.raw(card.dir);
    o.raw("\">\n  <h1");
    if let Some(id) = page.title_id.filter(|id| !id.is_empty()) {
        o.raw(" id=\"");
        o.text(id);
        o.raw("\"");
    }
    o.raw(">");
    o.text(&card.title);
    o.raw("</h1>\n  ");
    let (lang, dir) = (w.lang.as_str(), w.dir);
    if card.archived {
        o.raw("<p class=\"banner banner-archived\" role=\"note\" lang=\"");
        o.text(lang);
        o.raw("\" dir=\"");
        o.raw(dir);
        o.raw("\">");
        o.tr("archived_banner", &[]);
        o.raw("</p>");
    }
    let owner_names = card
        .owners
        .iter()
        .map(|o| o.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let state = card.state.as_str();
    o.raw("\n  <section class=\"trust trust-");
    o.raw(state);
    if card.owners_left {
        o.raw(" trust-orphaned");
    }
    o.raw("\" aria-labelledby=\"trust-heading\" lang=\"");
    o.text(lang);
    o.raw("\" dir=\"");
    o.raw(dir);
    o.raw("\" data-vouch-panel data-owners=\"");
    o.text(&owner_names);
    o.raw("\" data-state=\"");
    o.raw(state);
    o.raw("\"");
    due_attributes(o, &card.due, &card.expiring_from);
    o.raw(">\n    <h2 id=\"trust-heading\" class=\"visually-hidden\">");
    o.tr("trust_panel", &[]);
    o.raw("</h2>\n    <p class=\"trust-state\">");
    badge(o, card.state, &card.due, &card.expiring_from);
    o.raw(" <strong");
    if !card.owners_left {
        o.raw(" data-vouch-advice");
    }
    o.raw(">");
    if card.owners_left {
        o.tr("advice_orphaned", &[]);
    } else {
        let the_owners;
        let owners = if owner_names.is_empty() {
            the_owners = w.fill("the_owners", &[]);
            the_owners.as_str()
        } else {
            owner_names.as_str()
        };
        o.tr(&format!("advice_{state}"), &[("owners", owners)]);
    }
    o.raw("</strong></p>");
    if card.owners_left {
        o.raw("\n    <p class=\"owner-left\" role=\"note\"><strong>");
        o.tr("owner_left", &[]);
        o.raw("</strong></p>");
    }
    o.raw("\n    <p class=\"trust-dates\">");
    if let Some(verified) = card.verified.as_deref().filter(|v| !v.is_empty()) {
        let when = o.aside(|o| o.time(verified));
        if truthy(&card.verified_by) {
            let who = o.aside(|o| {
                o.raw("<strong><bdi>");
                o.opt(&card.verified_by);
                o.raw("</bdi></strong>");
            });
            o.trh("verified_by_on", &[("who", &who), ("date", &when)]);
        } else {
            o.trh("verified_on", &[("date", &when)]);
        }
    } else {
        o.tr("never_verified", &[]);
    }
    if let Some(due) = card.named_due.as_deref().filter(|d| !d.is_empty()) {
        o.raw(" · <time datetime=\"");
        o.text(due);
        o.raw("\" data-vouch-due=\"");
        o.text(due);
        o.raw("\">");
        o.text(&w.due_of(due, page.today));
        o.raw("</time> (");
        o.tr("every", &[("interval", &w.interval_of(&card.verify_every))]);
        o.raw(")");
    }
    o.raw("</p>");
    if let Some(changed) = card.last_changed.as_deref().filter(|c| !c.is_empty()) {
        o.raw("\n    <p class=\"changed\">");
        let when = o.aside(
            |o| match card.commit_url.as_deref().filter(|u| !u.is_empty()) {
                Some(commit) => {
                    o.raw("<a href=\"");
                    o.text(commit);
                    o.raw("\">");
                    o.time(changed);
                    o.raw("</a>");
                }
                None => o.time(changed),
            },
        );
        let who = crate::markdown::escape_html(arg(&card.last_changed_by));
        o.trh("last_changed", &[("date", &when), ("who", &who)]);
        if let Some(history) = card.history_url.as_deref().filter(|h| !h.is_empty()) {
            o.raw(" · ");
            o.link_tr("", history, "history");
        }
        o.raw("</p>");
    }
    o.raw("\n    <div class=\"owners\">\n      <h3>");
    o.tr("owners", &[]);
    o.raw("</h3>");
    if card.owners.is_empty() {
        o.raw("<p>");
        o.tr("no_owner", &[]);
        o.raw("</p>");
    } else {
        o.raw("\n      <ul>");
        for owner in &card.owners {
            o.raw("\n        <li>");
            o.link(root, &owner.url, " dir=\"auto\"", &owner.name);
            if owner.left {
                o.raw(" <span class=\"left\">(");
                o.tr("inactive", &[]);
                o.raw(")</span>");
            }
            o.raw("\n");
            contacts(o, &owner.contacts);
            o.raw("</li>");
        }
        o.raw("\n      </ul>");
    }
    o.raw("\n    </div>");
    let ask = &card.ask;
    if !card.owners_left && (truthy(&ask.slack) || truthy(&ask.email) || truthy(&ask.issue)) {
        o.raw("\n    <p class=\"ask\">");
        if truthy(&ask.slack) {
            o.raw("<a class=\"button\" href=\"");
            o.opt(&ask.slack);
            o.raw("\">");
            o.tr("ask", &[]);
            o.raw(" · Slack</a>");
        } else {
            let subject = w.fill("ask_subject", &[("title", &card.title)]);
            let body = w.fill("ask_body", &[("url", &ask.page)]);
            let (to, subject_key) = if truthy(&ask.email) {
                o.raw("<a class=\"button\" href=\"mailto:");
                (&ask.email, "?subject=")
            } else {
                o.raw("<a class=\"button\" href=\"");
                (&ask.issue, "?title=")
            };
            o.opt(to);
            o.raw(subject_key);
            o.text(&crate::urlpath::percent_encode(&subject));
            o.raw("&amp;body=");
            o.text(&crate::urlpath::percent_encode(&body));
            o.raw("\">");
            o.tr("ask", &[]);
            o.raw("</a>");
        }
        o.raw("\n    </p>");
    }
    o.raw("\n    ");
    if !card.tags.is_empty() {
        o.raw("<p class=\"tags\">");
        o.tr("tags", &[]);
        o.raw(":");
        for tag in &card.tags {
            o.raw(" ");
            o.link(root, &tag.url, "", &tag.name);
        }
        o.raw("</p>");
    }
    o.raw("\n  </section>\n  ");
    if !page.toc.is_empty() {
        o.raw("\n  <nav class=\"toc\" aria-labelledby=\"toc-heading\">\n    <h2 id=\"toc-heading\" lang=\"");
        o.text(lang);
        o.raw("\" dir=\"");
        o.raw(dir);
        o.raw("\">");
        o.tr("on_this_page", &[]);
        o.raw("</h2>\n    <ol>");
        for (h, children) in page.toc {
            o.raw("<li>");
            o.link("#", &h.id, "", &h.text);
            if !children.is_empty() {
                o.raw("<ul>");
                for c in children {
                    o.raw("<li>");
                    o.link("#", &c.id, "", &c.text);
                    o.raw("</li>");
                }
                o.raw("</ul>");
            }
            o.raw("</li>");
        }
        o.raw("</ol>\n  </nav>\n  ");
    }
    o.raw("\n  <div class=\"card-body\">\n");
    o.raw(page.body);
    o.raw("\n  </div>\n</article>");
    if page.previous.is_some() || page.next.is_some() {
        o.raw("\n<nav class=\"sequence\" aria-label=\"");
        o.tr("sequence", &[("title", arg(&card.collection_title))]);
        o.raw("\">");
        let sequence = [
            (page.previous, "previous", "prev"),
            (page.next, "next", "next"),
        ];
        for (other, key, rel) in sequence {
            let Some(other) = other else { continue };
            o.raw("<a class=\"sequence-");
            o.raw(key);
            o.raw("\" rel=\"");
            o.raw(rel);
            o.raw("\" href=\"");
            o.raw(root);
            o.text(other.field("url"));
            o.raw("\"><span class=\"meta\">");
            o.tr(key, &[]);
            o.raw("</span> <span dir=\"auto\">");
            o.raw(other.field("title_html"));
            o.raw("</span></a>");
        }
        o.raw("\n</nav>");
    }
    o.raw("\n<aside class=\"card-footer\" aria-label=\"");
    o.tr("about_card", &[]);
    o.raw("\">\n  ");
    // Related cards (with their badges), then the cards linking here.
    let lists = [
        (page.related, "related", "<ul class=\"related\">", true),
        (page.backlinks, "links_here", "<ul>", false),
    ];
    for (k, (others, key, list, badged)) in lists.into_iter().enumerate() {
        if k > 0 {
            o.raw("\n  ");
        }
        if others.is_empty() {
            continue;
        }
        o.raw("\n  <h2>");
        o.tr(key, &[]);
        o.raw("</h2>\n  ");
        o.raw(list);
        for other in others {
            o.raw("<li>");
            if badged {
                o.raw(other.field("badge"));
                o.raw(" ");
            }
            o.raw("<a href=\"");
            o.raw(root);
            o.text(other.field("url"));
            o.raw("\">");
            o.raw(other.field("title_html"));
            o.raw("</a></li>");
        }
        o.raw("</ul>\n  ");
    }
    o.raw("\n  <p>");
    if let Some(edit) = card.edit_url.as_deref().filter(|e| !e.is_empty()) {
        o.link_tr("", edit, "edit");
        o.raw(" · ");
        o.link_tr(
            "",
            card.history_url.as_deref().unwrap_or_default(),
            "history",
        );
        o.raw(" · ");
    }
    o.link_tr(root, &card.markdown_url, "markdown");
    o.raw("</p>\n</aside>\n");
}
