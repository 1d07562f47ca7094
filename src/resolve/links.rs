//! Where every link of every card goes, decided once: `check` reports the
//! links that lead nowhere, the renderer writes the others' addresses, and
//! backlinks, `cards.json` and `serve` read the same answers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::markdown::{Heading, Link};
use crate::model::card::{Card, card_id};
use crate::resolve::urls;
use crate::urlpath::{self, Target, percent_decode};

/// A link, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<'w> {
    pub link: &'w Link,
    pub target: LinkTarget,
}

/// Where a link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A URL with a scheme a reader may follow, a protocol-relative URL, or
    /// (outside tech-docs repositories) a site-absolute path: written as is,
    /// not checked.
    External,
    /// A scheme a reader must not follow (`javascript:`, `data:`): written as `#`.
    Unsafe,
    /// Somewhere else entirely: a tech-docs `redirects:` entry that names a URL.
    Elsewhere(String),
    /// A card (the card itself for `#heading` links), by position in the model.
    Card {
        card: usize,
        fragment: Option<Fragment>,
    },
    /// The generated page of a collection that has no index card.
    Collection {
        key: String,
        fragment: Option<String>,
    },
    /// The site's home page.
    Home { fragment: Option<String> },
    /// A file of the root, published beside the pages.
    File {
        rel: String,
        fragment: Option<String>,
    },
    /// Leads nowhere on the site.
    Broken(Broken),
}

/// A link's `#fragment` and the heading it names on the target's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// Percent-decoded, as the reader's browser would look it up.
    pub written: String,
    /// The heading's id on the page, when there is such a heading.
    pub id: Option<String>,
}

/// Why a link leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    /// `../` climbs out of the root.
    OutsideRoot,
    /// A `.md` path where no card is.
    NoCard { rel: String },
    /// A path where no file is.
    NoFile { rel: String },
    /// A card file that could not be read (its own diagnostics say why).
    Unreadable { rel: String },
    /// A file that exists but is never published: hidden files, vouch's
    /// configuration and templates, the site's own names, and anything a
    /// symbolic link takes out of the root.
    NotPublished { rel: String, why: &'static str },
    /// A file the asset policy does not publish (`crate::asset`): a kind a
    /// browser would run, or content that is not what its name says.
    Unsafe { rel: String, why: String },
    /// A folder without a page: neither a collection nor a folder with an
    /// index card.
    Folder { rel: String },
}

/// What link resolution needs to know of the root.
pub struct Index<'w> {
    pub(crate) by_id: rustc_hash::FxHashMap<&'w str, usize>,
    cards: &'w [Card],
    /// Collections that have a generated page (published cards, no index card).
    /// Collections and folders whose page is vouch's own (no index card).
    pub(crate) collection_pages: BTreeSet<String>,
    unreadable: &'w BTreeSet<String>,
    redirects: &'w BTreeMap<String, String>,
    tech_docs: bool,
    root: &'w Path,
    canonical_root: PathBuf,
}

impl<'w> Index<'w> {
    pub(crate) fn new(
        ws: &'w crate::load::Workspace,
        by_id: rustc_hash::FxHashMap<&'w str, usize>,
        collection_pages: BTreeSet<String>,
    ) -> Self {
        Index {
            by_id,
            cards: &ws.cards,
            collection_pages,
            unreadable: &ws.unreadable,
            redirects: &ws.redirects,
            tech_docs: ws.dialect == crate::model::Dialect::TechDocs,
            root: &ws.root,
            canonical_root: std::fs::canonicalize(&ws.root).unwrap_or_else(|_| ws.root.clone()),
        }
    }

    /// The card at a path under the root: `x.md`, `x.html.md`, tech-docs'
    /// `x.html`, the page's own address `x` or `x/` by id, or a folder `x`
    /// (`x/`) by its index card.
    pub fn card_at(&self, rel: &str) -> Option<usize> {
        ids_named_by(rel)
            .chain(Some(rel.trim_end_matches('/')).filter(|r| !r.is_empty()))
            .find_map(|id| {
                self.by_id.get(id).copied().or_else(|| {
                    // tech-docs' `apps.html`, the page of the folder `apps/`.
                    self.tech_docs
                        .then(|| self.by_id.get(format!("{id}/index").as_str()).copied())
                        .flatten()
                })
            })
            .or_else(|| {
                let folder = rel.trim_end_matches('/');
                if folder.is_empty() {
                    return None;
                }
                self.by_id.get(format!("{folder}/index").as_str()).copied()
            })
    }

    /// The position of the card with `id`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Resolves one link written in `from` (a position in the model).
    pub fn resolve(&self, link: &str, from: usize) -> LinkTarget {
        let card = &self.cards[from];
        match urlpath::resolve_in_site(link, &card.rel_path, self.tech_docs) {
            Target::External if urlpath::is_safe_url(link) => LinkTarget::External,
            Target::External => LinkTarget::Unsafe,
            Target::OutsideRoot => LinkTarget::Broken(Broken::OutsideRoot),
            Target::SelfAnchor(fragment) => LinkTarget::Card {
                card: from,
                fragment: Some(self.fragment(from, fragment)),
            },
            Target::Path { rel, fragment } => self.path(rel, fragment, link.ends_with('/')),
        }
    }

    fn path(&self, rel: String, fragment: Option<&str>, folder: bool) -> LinkTarget {
        let owned = |f: Option<&str>| f.map(percent_decode);
        if let Some(card) = self.card_at(&rel) {
            return LinkTarget::Card {
                card,
                fragment: fragment.map(|f| self.fragment(card, f)),
            };
        }
        if rel.is_empty() {
            // A tech-docs-gem site's `/` is its `index` page.
            if self.tech_docs
                && let Some(&card) = self.by_id.get("index")
            {
                return LinkTarget::Card {
                    card,
                    fragment: fragment.map(|f| self.fragment(card, f)),
                };
            }
            return LinkTarget::Home {
                fragment: owned(fragment),
            };
        }
        if self.collection_pages.contains(rel.as_str()) {
            return LinkTarget::Collection {
                key: rel,
                fragment: owned(fragment),
            };
        }
        if let Some(to) = self.redirects.get(&rel) {
            return self.redirect(rel.clone(), to, fragment);
        }
        if self.unreadable.contains(&rel) {
            return LinkTarget::Broken(Broken::Unreadable { rel });
        }
        let path = self.root.join(&rel);
        let Ok(meta) = std::fs::metadata(&path) else {
            return LinkTarget::Broken(if card_id(&rel).is_some() && !folder {
                Broken::NoCard { rel }
            } else {
                Broken::NoFile { rel }
            });
        };
        if let Some(why) = never_published(&rel) {
            return LinkTarget::Broken(Broken::NotPublished { rel, why });
        }
        let inside =
            std::fs::canonicalize(&path).is_ok_and(|p| p.starts_with(&self.canonical_root));
        if !inside {
            return LinkTarget::Broken(Broken::NotPublished {
                rel,
                why: "a symbolic link leads it out of the knowledge root",
            });
        }
        if meta.is_dir() {
            return LinkTarget::Broken(Broken::Folder { rel });
        }
        if !meta.is_file() {
            return LinkTarget::Broken(Broken::NotPublished {
                rel,
                why: "it is not a regular file",
            });
        }
        if card_id(&rel).is_some() {
            // A card file the walk does not read: under `templates/` or a
            // hidden folder is caught above, so this is one in a symlinked
            // folder, which vouch never follows.
            return LinkTarget::Broken(Broken::NotPublished {
                rel,
                why: "it is in a folder vouch does not read (a symbolic link)",
            });
        }
        if let Some(why) = crate::asset::refusal(&path, &rel) {
            return LinkTarget::Broken(Broken::Unsafe { rel, why });
        }
        LinkTarget::File {
            rel,
            fragment: owned(fragment),
        }
    }

    /// A path tech-docs-gem's `redirects:` sends elsewhere: to the card it
    /// names, or the URL as written.
    fn redirect(&self, rel: String, to: &str, fragment: Option<&str>) -> LinkTarget {
        match urlpath::resolve_in_site(to, "", true) {
            Target::Path {
                rel: target,
                fragment: to_fragment,
            } => match self.card_at(&target) {
                Some(card) => LinkTarget::Card {
                    card,
                    fragment: fragment.or(to_fragment).map(|f| self.fragment(card, f)),
                },
                None => LinkTarget::Broken(Broken::NoFile { rel }),
            },
            _ if urlpath::is_safe_url(to) && to.contains(':') => {
                LinkTarget::Elsewhere(to.to_owned())
            }
            _ => LinkTarget::Broken(Broken::NoFile { rel }),
        }
    }

    fn fragment(&self, card: usize, fragment: &str) -> Fragment {
        let target = &self.cards[card];
        Fragment {
            written: percent_decode(fragment),
            id: self.heading_for(target, fragment).map(|h| h.id.clone()),
        }
    }

    /// The heading of `target` a `#fragment` names: by its id, or in a
    /// tech-docs-gem repository also by the id the gem gives it.
    pub fn heading_for<'c>(&self, target: &'c Card, fragment: &str) -> Option<&'c Heading> {
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

    /// Every card id, for "did you mean" hints.
    pub fn ids(&self) -> impl Iterator<Item = &'w str> + '_ {
        self.by_id.keys().copied()
    }
}

/// Why a file that exists under the root is never published, if it is not:
/// hidden files, vouch's configuration and templates, and paths the site
/// keeps for itself. Only cards and the files they link to are published.
pub fn never_published(rel: &str) -> Option<&'static str> {
    let segments: Vec<&str> = rel.split('/').collect();
    if segments.iter().any(|s| s.starts_with('.')) {
        return Some("hidden files are never published");
    }
    let last = segments.last().copied().unwrap_or_default();
    if segments.len() == 1 && matches!(last, "vouch.yaml" | "owners.yaml")
        || last == "_collection.yaml"
    {
        return Some("vouch's configuration is never published");
    }
    if segments.first() == Some(&"templates") {
        return Some("the root's templates are never published");
    }
    if urls::is_reserved(rel) {
        return Some("the site uses this path for its own files");
    }
    None
}

/// The card ids a path under the root may name, most likely first: its id
/// (`x.md`, `x.html.md`, `x.html.md.erb`), or tech-docs-gem's `x.html`.
pub fn ids_named_by(rel: &str) -> impl Iterator<Item = &str> {
    card_id(rel).into_iter().chain(rel.strip_suffix(".html"))
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn configuration_and_hidden_files_stay_private() {
        assert!(never_published(".env").is_some());
        assert!(never_published("a/.secret/x.png").is_some());
        assert!(never_published("owners.yaml").is_some());
        assert!(never_published("support/_collection.yaml").is_some());
        assert!(never_published("templates/site/base.html").is_some());
        assert!(never_published("cards.json").is_some());
        assert!(never_published("support/owners.yaml").is_none());
        assert!(never_published("support/diagram.png").is_none());
    }
}
