//! A crawler of built sites: every internal `href` and `src` that leads to
//! no file of the site, or to no id on its page. The `check` ⇔ `build`
//! tests hold each dead link it finds to a diagnostic of `check`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// A link on a page of the site that leads nowhere.
#[derive(Debug)]
pub struct Dead {
    pub page: String,
    pub href: String,
}

/// The tags of an HTML page (`<a …>`), without the text between them, where
/// `"` and `href=` may appear as words.
fn tags_of(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

/// The values of an attribute in the page's tags (vouch quotes them all).
fn attribute_values(html: &str, names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for tag in tags_of(html) {
        for name in names {
            let needle = format!(" {name}=\"");
            let mut rest = tag;
            while let Some(i) = rest.find(&needle) {
                rest = &rest[i + needle.len()..];
                let end = rest.find('"').unwrap_or(rest.len());
                out.push(rest[..end].replace("&amp;", "&"));
            }
        }
    }
    out
}

fn urls_of(html: &str) -> Vec<String> {
    attribute_values(html, &["href", "src"])
}

fn ids_of(html: &str) -> BTreeSet<String> {
    attribute_values(html, &["id"]).into_iter().collect()
}

/// Every internal link of every page of `site` that leads to no file, or
/// to no id on its page.
pub fn crawl(site: &Path) -> Vec<Dead> {
    let mut pages = BTreeMap::new();
    for entry in walkdir::WalkDir::new(site) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(site)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel.ends_with(".html") {
            pages.insert(rel, fs::read_to_string(entry.path()).unwrap());
        }
    }
    let mut dead = Vec::new();
    for (page, html) in &pages {
        if page == "404.html" {
            continue; // served at any address: links from the site's base
        }
        let dir: Vec<&str> = page.split('/').collect();
        let dir = &dir[..dir.len() - 1];
        for href in urls_of(html) {
            let scheme = href
                .find(':')
                .is_some_and(|c| !href[..c].contains(['/', '?', '#']));
            if scheme || href.starts_with("//") || href == "#" {
                continue;
            }
            let (path, fragment) = href.split_once('#').unwrap_or((&href, ""));
            let path = path.split('?').next().unwrap_or_default();
            let target = if path.is_empty() {
                page.clone()
            } else {
                let mut parts: Vec<String> = dir.iter().map(|s| s.to_string()).collect();
                let mut escaped = path.starts_with('/');
                for seg in super::percent_decode(path).split('/') {
                    match seg {
                        "" | "." => {}
                        ".." => escaped |= parts.pop().is_none(),
                        s => parts.push(s.to_owned()),
                    }
                }
                if escaped {
                    dead.push(Dead {
                        page: page.clone(),
                        href: href.clone(),
                    });
                    continue;
                }
                let joined = parts.join("/");
                let file = site.join(&joined);
                if path.ends_with('/') || file.is_dir() || joined.is_empty() {
                    if joined.is_empty() {
                        "index.html".to_owned()
                    } else {
                        format!("{joined}/index.html")
                    }
                } else {
                    joined
                }
            };
            if !site.join(&target).is_file() {
                dead.push(Dead {
                    page: page.clone(),
                    href: href.clone(),
                });
                continue;
            }
            // Only pages have ids; a fragment on a file (`#page=2` of a PDF) is the file's business.
            if !fragment.is_empty() && target.ends_with(".html") {
                let ids = pages.get(&target).map(|h| ids_of(h)).unwrap_or_default();
                if !ids.contains(&super::percent_decode(fragment)) {
                    dead.push(Dead {
                        page: page.clone(),
                        href: href.clone(),
                    });
                }
            }
        }
    }
    dead
}
