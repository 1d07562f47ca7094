//! The site's URL scheme, in one place. Every path is relative to the site's
//! root, without a leading `/`; a page's address ends in `/` and its file is
//! `index.html` inside it.
//!
//! Cards publish at their id; vouch's own pages (search, tags, owners,
//! freshness, assets) live under `_/`, a folder no collection can take
//! (names starting with `_` are never cards), so a team may call a collection
//! `search` or `owners`. The site's root holds only the home page and the
//! files whose place a convention fixes.

use crate::markdown::github_slug;

/// vouch's own namespace.
pub const OWN: &str = "_/";
/// The search page: reads `?q=` and filter parameters from its address.
pub const SEARCH: &str = "_/search/";
/// The search index files, fetched by the search client.
pub const SEARCH_INDEX: &str = "_/search/";
pub const TAGS: &str = "_/tags/";
pub const OWNERS: &str = "_/owners/";
pub const FRESHNESS: &str = "_/freshness/";
/// Style sheet and scripts.
pub const ASSETS: &str = "_/assets/";
/// Each total's due dates, for pages read after the build day.
pub const TOTALS: &str = "_/totals.json";

pub const CARDS_JSON: &str = "cards.json";
pub const LLMS_TXT: &str = "llms.txt";
pub const SITEMAP: &str = "sitemap.xml";
pub const NOT_FOUND: &str = "404.html";
/// Tells GitHub Pages not to run Jekyll, which would drop `_/`.
pub const NOJEKYLL: &str = ".nojekyll";

/// Files at the site's root that no card or linked file may take.
pub const ROOT_FILES: &[&str] = &[
    "index.html",
    NOT_FOUND,
    CARDS_JSON,
    LLMS_TXT,
    SITEMAP,
    NOJEKYLL,
];

/// The addresses templates use, handed to them as `paths`.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Paths {
    pub search: &'static str,
    pub search_index: &'static str,
    pub tags: &'static str,
    pub owners: &'static str,
    pub freshness: &'static str,
    pub assets: &'static str,
    pub cards_json: &'static str,
    pub llms_txt: &'static str,
    pub totals: &'static str,
}

pub const PATHS: Paths = Paths {
    search: SEARCH,
    search_index: SEARCH_INDEX,
    tags: TAGS,
    owners: OWNERS,
    freshness: FRESHNESS,
    assets: ASSETS,
    cards_json: CARDS_JSON,
    llms_txt: LLMS_TXT,
    totals: TOTALS,
};

/// The address of a card's page: its id, or for a folder's `index` card the
/// folder itself (`support/refunds/index` → `support/refunds/`). The root's
/// own `index` card keeps `index/`: the home page is vouch's.
pub fn card_page(id: &str) -> String {
    match id.strip_suffix("/index") {
        Some(folder) if !folder.is_empty() => format!("{folder}/"),
        _ => format!("{id}/"),
    }
}

/// The raw Markdown of a card, front matter included.
pub fn card_markdown(id: &str) -> String {
    format!("{id}.md")
}

/// The page of a collection (or of any folder).
pub fn folder_page(key: &str) -> String {
    format!("{key}/")
}

pub fn tag_page(tag: &str) -> String {
    format!("{TAGS}{}/", tag_slug(tag))
}

pub fn owner_page(key: &str) -> String {
    format!("{OWNERS}{}/", slug_or(key, "owner"))
}

/// The file that serves an address: `x/` → `x/index.html`, `` → `index.html`.
pub fn file_of(page: &str) -> String {
    format!("{page}index.html")
}

/// The segment a tag's page has.
pub fn tag_slug(tag: &str) -> String {
    slug_or(tag, "tag")
}

/// A URL segment that is never empty and never climbs (`..`) or nests (`/`).
pub fn slug_or(text: &str, fallback: &str) -> String {
    let slug = github_slug(text);
    if slug.is_empty() || slug.chars().all(|c| c == '-') {
        fallback.to_owned()
    } else {
        slug
    }
}

/// `../` repeated once per segment of a page's address: the way from the
/// page back to the site's root, so the site works under any sub-path.
pub fn root_prefix(page: &str) -> String {
    let dir = page.trim_end_matches('/');
    if dir.is_empty() {
        String::new()
    } else {
        "../".repeat(dir.split('/').count())
    }
}

/// A site path as it is written into a page, `cards.json`, `llms.txt` or
/// the search index: percent-encoded, so that no name can become a scheme
/// (`javascript:x/` is written `javascript%3Ax/`), a query, a fragment or
/// markup. Letters of every script stay as they are.
pub fn href(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        let keep = c.is_ascii_alphanumeric()
            || matches!(
                c,
                '/' | '-'
                    | '.'
                    | '_'
                    | '~'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | '@'
            )
            || (!c.is_ascii() && !c.is_control() && !c.is_whitespace());
        if keep && c != '&' && c != '\'' {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Whether a path under the root would land in the site where vouch writes
/// its own files: under `_/`, or one of the root's fixed files.
pub fn is_reserved(rel: &str) -> bool {
    rel == "_" || rel.starts_with(OWN) || ROOT_FILES.contains(&rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_index_cards_take_their_folder() {
        assert_eq!(
            card_page("support/refunds/annual"),
            "support/refunds/annual/"
        );
        assert_eq!(card_page("support/index"), "support/");
        assert_eq!(card_page("a/b/index"), "a/b/");
        assert_eq!(card_page("index"), "index/");
    }

    #[test]
    fn prefixes_climb_one_level_per_segment() {
        assert_eq!(root_prefix(""), "");
        assert_eq!(root_prefix("a/"), "../");
        assert_eq!(root_prefix("a/b/c/"), "../../../");
        assert_eq!(root_prefix("_/tags/x/"), "../../../");
    }

    #[test]
    fn names_never_become_schemes_or_markup() {
        assert_eq!(
            href("javascript:alert(1)<!--/"),
            "javascript%3Aalert(1)%3C!--/"
        );
        assert_eq!(href("100% sure/a?b#c/"), "100%25%20sure/a%3Fb%23c/");
        assert_eq!(href("suporte/reembolsos/"), "suporte/reembolsos/");
        assert_eq!(href("תמיכה/החזרים/"), "תמיכה/החזרים/");
        assert_eq!(href("a\"b'c&d/"), "a%22b%27c%26d/");
    }

    #[test]
    fn the_site_keeps_its_own_names() {
        assert!(is_reserved("_/assets/style.css"));
        assert!(is_reserved("cards.json"));
        assert!(!is_reserved("search/index.md"));
        assert!(!is_reserved("_images/logo.png"));
    }
}
