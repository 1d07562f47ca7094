//! The resolved model: what every card *is*, computed once after loading and
//! before any rule or renderer runs — its owners resolved against the
//! registry, its freshness and badge, whether it is published and at which
//! address, where each of its links leads, and its last change in git.
//!
//! `check`'s rules, the site, search, the machine outputs, `report`,
//! `verify`, `new`, the Guru export and `serve` read these facts; none
//! re-derives them, so `check` and `build` cannot disagree about a link or a
//! page. Facts belong to their card: each [`Entry`] holds its card.

pub mod freshness;
pub mod links;
pub mod owners;
pub mod urls;

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::history::{History, LastChange};
use crate::load::Workspace;
use crate::model::card::{Card, Status};

pub use freshness::{Freshness, State};
pub use links::{Broken, Fragment, Index, LinkTarget, Resolved};
pub use owners::Ownership;

/// A card's state as readers see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Badge {
    Fresh,
    Expiring,
    Stale,
    /// Published without a readable `verified` date.
    Unverified,
    Archived,
}

impl Badge {
    pub fn as_str(self) -> &'static str {
        match self {
            Badge::Fresh => "fresh",
            Badge::Expiring => "expiring",
            Badge::Stale => "stale",
            Badge::Unverified => "unverified",
            Badge::Archived => "archived",
        }
    }

    /// Whether the card counts as trustworthy in the trust score.
    pub fn trusted(self) -> bool {
        matches!(self, Badge::Fresh | Badge::Expiring)
    }
}

/// Whether a card has a page, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Publish {
    /// Published at this address (archived cards too, with a banner).
    Page(String),
    /// A draft: checked, never published.
    Draft,
    /// Its address is taken; the reason, in words, for `duplicate-id`.
    Collides(String),
}

/// One card and everything resolved about it.
#[derive(Debug)]
pub struct Entry<'w> {
    pub card: &'w Card,
    /// Its effective owners (its own, else its collection's, else the
    /// root's), in the order written.
    pub owners: Vec<Ownership<'w>>,
    /// Its `verified_by`, resolved.
    pub verifier: Option<Ownership<'w>>,
    /// Its language: its `lang`, else the root's.
    pub lang: String,
    pub freshness: Freshness,
    pub badge: Badge,
    pub publish: Publish,
    /// Every link of its body, in order.
    pub links: Vec<Resolved<'w>>,
    /// The newest commit that changed it, when the root is in git.
    pub last_change: Option<LastChange>,
}

impl Entry<'_> {
    /// Its page's address, when it is published.
    pub fn page(&self) -> Option<&str> {
        match &self.publish {
            Publish::Page(url) => Some(url),
            _ => None,
        }
    }

    pub fn is_published(&self) -> bool {
        matches!(self.publish, Publish::Page(_))
    }

    /// Whether every owner is a person who has left: nobody answers for
    /// the card any more, so it needs a new owner.
    pub fn owners_left(&self) -> bool {
        !self.owners.is_empty()
            && self
                .owners
                .iter()
                .all(|o| o.owner().is_some_and(|o| o.has_left()))
    }

    /// The files of the root its body links to or embeds (published beside
    /// the pages), in link order, repeats included.
    pub fn linked_files(&self) -> impl Iterator<Item = &str> {
        self.links.iter().filter_map(|l| match &l.target {
            LinkTarget::File { rel, .. } => Some(rel.as_str()),
            _ => None,
        })
    }

    /// The owners' keys (or names as written, without a registry).
    pub fn owner_keys(&self) -> Vec<String> {
        self.owners.iter().map(|o| o.key().to_owned()).collect()
    }
}

/// A collection's place on the site.
#[derive(Debug, Clone, Default)]
pub struct CollectionFacts {
    /// Its page's address, when it has published cards.
    pub page: Option<String>,
    /// The card that is its page (`KEY/index.md`), if any.
    pub index: Option<usize>,
    /// Its other published cards, by position, in id order.
    pub members: Vec<usize>,
}

/// A folder inside a collection (at any depth) that holds published cards:
/// it has a page, its index card's (`KEY/index.md`, or a tech-docs page
/// beside the folder) or one of its own listing what it holds.
#[derive(Debug, Clone, Default)]
pub struct FolderFacts {
    /// The card that is its page, if any.
    pub index: Option<usize>,
    /// Its other published cards, at any depth, by position, in id order.
    pub members: Vec<usize>,
}

/// The folder a path is in (`a/b/c` → `a/b`), `""` at the root.
pub fn parent_folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// What git knows about the root, as the commands read it.
#[derive(Debug, Clone, Copy, Default)]
pub struct GitFacts<'a> {
    pub history: Option<&'a History>,
    /// The root's path inside its repository, for edit and history links.
    pub prefix: Option<&'a str>,
}

/// The resolved model of a workspace on a given day.
pub struct Model<'w> {
    pub ws: &'w Workspace,
    pub today: Date,
    /// The root's path inside its git repository, when it is in one.
    pub repo_prefix: Option<String>,
    /// One entry per card of the workspace, in its order.
    pub cards: Vec<Entry<'w>>,
    pub collections: BTreeMap<&'w str, CollectionFacts>,
    /// Folders inside collections that hold published cards, by path.
    pub folders: BTreeMap<String, FolderFacts>,
    /// Published cards by position, in id order: the site's order.
    pub published: Vec<usize>,
    pub index: Index<'w>,
}

impl<'w> Model<'w> {
    pub fn new(ws: &'w Workspace, today: Date, git: GitFacts) -> Model<'w> {
        let mut by_id: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
        by_id.reserve(ws.cards.len());
        for (i, card) in ws.cards.iter().enumerate() {
            by_id.entry(card.id.as_str()).or_insert(i);
        }
        let publish = publication(ws, &by_id);
        let mut collections: BTreeMap<&str, CollectionFacts> = ws
            .collections
            .keys()
            .map(|k| (k.as_str(), CollectionFacts::default()))
            .collect();
        let mut published: Vec<usize> = (0..ws.cards.len())
            .filter(|&i| matches!(publish[i], Publish::Page(_)))
            .collect();
        published.sort_by(|&a, &b| ws.cards[a].id.cmp(&ws.cards[b].id));
        for &i in &published {
            let card = &ws.cards[i];
            let Some(facts) = card
                .collection
                .as_deref()
                .and_then(|c| collections.get_mut(c))
            else {
                continue;
            };
            if card.id.strip_suffix("/index") == card.collection.as_deref() {
                facts.index = Some(i);
            } else {
                facts.members.push(i);
            }
        }
        for (key, facts) in &mut collections {
            if facts.index.is_some() || !facts.members.is_empty() {
                facts.page = Some(urls::folder_page(key));
            }
        }
        let folders = folders(ws, &published, &publish);
        let collection_pages = collections
            .iter()
            .filter(|(_, f)| f.page.is_some() && f.index.is_none())
            .map(|(k, _)| (*k).to_owned())
            .chain(
                folders
                    .iter()
                    .filter(|(_, f)| f.index.is_none())
                    .map(|(k, _)| k.clone()),
            )
            .collect::<BTreeSet<_>>();
        let index = Index::new(ws, by_id, collection_pages);

        let cards: Vec<Entry> = ws
            .cards
            .par_iter()
            .zip(publish)
            .enumerate()
            .map(|(i, (card, publish))| {
                let freshness = freshness::evaluate(card, ws, today);
                let badge = match (card.status, freshness.state) {
                    (Status::Archived, _) => Badge::Archived,
                    (_, Some(State::Fresh)) => Badge::Fresh,
                    (_, Some(State::Expiring)) => Badge::Expiring,
                    (_, Some(State::Stale)) => Badge::Stale,
                    (_, None) => Badge::Unverified,
                };
                let names = owners::effective_owners(card, ws);
                Entry {
                    card,
                    owners: owners::resolve_all(&names, ws),
                    verifier: card
                        .verified_by
                        .as_ref()
                        .and_then(|v| owners::resolve_all(&[v.value.as_str()], ws).pop()),
                    lang: card.lang.clone().unwrap_or_else(|| ws.config.lang.clone()),
                    freshness,
                    badge,
                    publish,
                    links: card
                        .outline
                        .links
                        .iter()
                        .map(|link| Resolved {
                            link,
                            target: index.resolve(&link.dest, i),
                        })
                        .collect(),
                    last_change: git.history.and_then(|h| {
                        h.last_changed(&card.rel_path).map(|c| LastChange {
                            date: c.date,
                            author: c.author.clone(),
                            commit: c.id.clone(),
                        })
                    }),
                }
            })
            .collect();
        Model {
            ws,
            today,
            repo_prefix: git.prefix.map(str::to_owned),
            cards,
            collections,
            folders,
            published,
            index,
        }
    }

    /// The entry of the card with `id`.
    pub fn get(&self, id: &str) -> Option<&Entry<'w>> {
        self.index.position(id).map(|i| &self.cards[i])
    }

    /// The address a resolved link leads to on the site, from the site's
    /// root (`None` for external, unsafe and broken links).
    pub fn address(&self, target: &LinkTarget) -> Option<String> {
        let with = |page: String, fragment: Option<&str>| match fragment {
            Some(f) if !f.is_empty() => format!("{page}#{f}"),
            _ => page,
        };
        match target {
            LinkTarget::Card { card, fragment } => {
                let page = self.cards[*card].page()?.to_owned();
                let f = fragment
                    .as_ref()
                    .map(|f| f.id.as_deref().unwrap_or(&f.written));
                Some(with(page, f))
            }
            LinkTarget::Collection { key, fragment } => {
                Some(with(urls::folder_page(key), fragment.as_deref()))
            }
            LinkTarget::Home { fragment } => Some(with(String::new(), fragment.as_deref())),
            LinkTarget::File { rel, fragment } => Some(with(rel.clone(), fragment.as_deref())),
            LinkTarget::External
            | LinkTarget::Unsafe
            | LinkTarget::Elsewhere(_)
            | LinkTarget::Broken(_) => None,
        }
    }

    /// The files of the root, other than cards, whose change changes what a
    /// card says or how it is kept, each with the cards (by position) that
    /// depend on it: the files a card links to or embeds (published beside
    /// it), the tech-docs partials it includes, and its collection's
    /// `_collection.yaml` (default owners, interval). The pull-request gate
    /// and CODEOWNERS read it.
    pub fn shown_files(&self) -> BTreeMap<String, Vec<usize>> {
        let mut shown: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, entry) in self.cards.iter().enumerate() {
            let card = entry.card;
            let files = entry
                .linked_files()
                .map(str::to_owned)
                .chain(card.includes.iter().cloned())
                .chain(
                    card.collection
                        .as_deref()
                        .filter(|c| {
                            self.ws
                                .collections
                                .get(*c)
                                .is_some_and(|c| c.file.is_some())
                        })
                        .map(|c| format!("{c}/_collection.yaml")),
                );
            for rel in files {
                let cards = shown.entry(rel).or_default();
                if cards.last() != Some(&i) {
                    cards.push(i);
                }
            }
        }
        shown
    }

    /// Everyone in the registry and every owner `entries` name, by key, with
    /// the name to show: the owners a site, a search filter or a report
    /// can speak of.
    pub fn owner_names<'e>(
        &self,
        entries: impl IntoIterator<Item = &'e Entry<'w>>,
    ) -> BTreeMap<&'w str, &'w str>
    where
        'w: 'e,
    {
        let mut names: BTreeMap<&'w str, &'w str> = BTreeMap::new();
        if let Some(r) = &self.ws.registry {
            names.extend(r.owners().map(|o| (o.key.as_str(), o.display_name())));
        }
        for entry in entries {
            for o in &entry.owners {
                names.insert(o.key(), o.display_name());
            }
        }
        names
    }

    /// The cards a card links to (itself excluded), by position, each once.
    pub fn linked_cards(&self, entry: &Entry) -> Vec<usize> {
        let own = self.index.position(&entry.card.id);
        let mut out: Vec<usize> = entry
            .links
            .iter()
            .filter_map(|l| match l.target {
                LinkTarget::Card { card, .. } if Some(card) != own => Some(card),
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Files of the root that published cards link to: published beside the pages.
    pub fn linked_files(&self) -> BTreeSet<&str> {
        self.published
            .iter()
            .flat_map(|&i| self.cards[i].linked_files())
            .collect()
    }
}

/// Whether and where each card publishes. First come, first served, in the
/// root's order: a second card with the same id or address collides.
fn publication(ws: &Workspace, by_id: &rustc_hash::FxHashMap<&str, usize>) -> Vec<Publish> {
    let mut taken: rustc_hash::FxHashMap<String, &str> = rustc_hash::FxHashMap::default();
    ws.cards
        .iter()
        .enumerate()
        .map(|(i, card)| {
            if card.status == Status::Draft {
                return Publish::Draft;
            }
            if by_id.get(card.id.as_str()) != Some(&i) {
                let first = &ws.cards[by_id[card.id.as_str()]];
                return Publish::Collides(format!(
                    "{} has the same id, `{}`",
                    first.rel_path, card.id
                ));
            }
            let at_root = !card.id.contains('/');
            if at_root && ws.collections.contains_key(&card.id) {
                return Publish::Collides(format!(
                    "the collection `{}` has its page at `/{}/`",
                    card.id, card.id
                ));
            }
            if at_root && urls::is_reserved(&card.id) {
                return Publish::Collides(format!("the site writes its own `/{}` there", card.id));
            }
            let page = urls::card_page(&card.id);
            if let Some(first) = taken.get(&page) {
                return Publish::Collides(format!(
                    "{first} publishes at the same address, `/{page}`"
                ));
            }
            taken.insert(page.clone(), &card.rel_path);
            Publish::Page(page)
        })
        .collect()
}

/// A knowledge root as the commands open it: its files read, and what git
/// knows of it read beside them.
pub struct Root {
    pub ws: Workspace,
    pub history: crate::history::Outcome,
    /// The root's path inside its git repository, for edit and history links.
    pub repo_prefix: Option<String>,
    /// The top of that repository's work tree.
    pub repo_top: Option<std::path::PathBuf>,
}

impl Root {
    /// Loads `root` and, meanwhile, reads its git history (the one
    /// `git log` pass costs about as much as everything else together, so
    /// it starts first and runs beside the rest) unless `history` is off.
    pub fn open(root: &std::path::Path, history: bool) -> Result<Root, crate::load::LoadError> {
        use crate::history::Outcome;
        std::thread::scope(|scope| {
            let git = scope.spawn(|| {
                let repo = crate::git::Repo::discover(root).ok();
                let outcome = if history && repo.is_some() {
                    crate::history::read(root)
                } else {
                    Outcome::Off
                };
                (outcome, repo)
            });
            let ws = crate::load::load(root);
            let (history, repo) = git.join().unwrap_or((Outcome::Off, None));
            let (repo_prefix, repo_top) = match repo {
                Some(r) => (Some(r.prefix), Some(r.top)),
                None => (None, None),
            };
            ws.map(|ws| Root {
                ws,
                history,
                repo_prefix,
                repo_top,
            })
        })
    }

    /// The resolved model on `today`.
    pub fn model(&self, today: Date) -> Model<'_> {
        Model::new(
            &self.ws,
            today,
            GitFacts {
                history: self.history.history(),
                prefix: self.repo_prefix.as_deref(),
            },
        )
    }
}

/// The folders inside collections that hold published cards (see
/// [`FolderFacts`]): every folder between a card and its collection.
fn folders(
    ws: &Workspace,
    published: &[usize],
    publish: &[Publish],
) -> BTreeMap<String, FolderFacts> {
    let mut out: BTreeMap<String, FolderFacts> = BTreeMap::new();
    // Cards whose page is a folder's address, and that folder: most are
    // not a folder that holds cards, so they wait until the folders are known.
    let mut own_folders: Vec<(&str, usize)> = Vec::new();
    for &i in published {
        let card = &ws.cards[i];
        let Some(collection) = card.collection.as_deref() else {
            continue;
        };
        let inside = |f: &str| {
            f.len() > collection.len()
                && f.starts_with(collection)
                && f.as_bytes()[collection.len()] == b'/'
        };
        let mut folder = parent_folder(&card.id);
        // The card whose page is a folder's address is that folder's page.
        if let Publish::Page(url) = &publish[i]
            && let Some(own) = url.strip_suffix('/')
            && inside(own)
        {
            own_folders.push((own, i));
            folder = parent_folder(own);
        }
        while inside(folder) {
            // Most cards land in a folder seen before: no new key then.
            match out.get_mut(folder) {
                Some(f) => f.members.push(i),
                None => {
                    out.entry(folder.to_owned()).or_default().members.push(i);
                }
            }
            folder = parent_folder(folder);
        }
    }
    // A card's own address is a folder only when the folder holds cards, or
    // the card is the folder's `index.md`.
    for (own, i) in own_folders {
        if ws.cards[i].id.ends_with("/index") {
            out.entry(own.to_owned()).or_default().index = Some(i);
        } else if let Some(f) = out.get_mut(own) {
            f.index = Some(i);
        }
    }
    out
}
