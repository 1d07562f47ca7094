//! The site as data: every published card with its state and links, and the
//! collections, tags and owners that group them. Pages and machine outputs
//! are rendered from this; nothing here writes or formats HTML.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::Serialize;

use crate::load::Workspace;
use crate::model::card::Card;
use crate::render::owners::{OwnerRef, OwnerView, owner_ref, owner_views};
pub use crate::resolve::Badge;
use crate::resolve::urls;
use crate::resolve::{Entry, Freshness, Model};

/// The share of published (not archived) cards that are not stale.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Score {
    pub not_stale: usize,
    pub total: usize,
    pub percent: usize,
}

impl Score {
    pub(crate) fn of(badges: impl Iterator<Item = Badge>) -> Score {
        let mut score = Score::default();
        for badge in badges.filter(|b| *b != Badge::Archived) {
            score.total += 1;
            score.not_stale += usize::from(badge.trusted());
        }
        score.percent = (score.not_stale * 100)
            .checked_div(score.total)
            .unwrap_or(100);
        score
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

/// What templates see of a card.
#[derive(Debug, Clone, Serialize)]
pub struct CardView {
    pub id: String,
    pub url: String,
    /// Its raw Markdown, from the site's root.
    pub markdown_url: String,
    pub title: String,
    pub state: Badge,
    pub archived: bool,
    /// Every owner is a person who has left: the card needs a new owner.
    pub owners_left: bool,
    /// How to ask the owners a question about the card.
    pub ask: Ask,
    pub verified: Option<String>,
    pub verified_by: Option<String>,
    pub verify_every: String,
    /// The last day its verification holds, for the in-page badge clock.
    pub due: Option<String>,
    /// The date shown as due (`Freshness::named_due`).
    pub named_due: Option<String>,
    /// The first day the card is expiring, for the in-page badge clock.
    pub expiring_from: Option<String>,
    pub collection_title: Option<String>,
    pub collection_url: Option<String>,
    pub owners: Vec<OwnerRef>,
    pub tags: Vec<Link>,
    pub lang: String,
    pub dir: &'static str,
    pub edit_url: Option<String>,
    pub history_url: Option<String>,
    /// The day of the newest commit that changed the card, and its author.
    pub last_changed: Option<String>,
    pub last_changed_by: Option<String>,
    /// That commit on the repository's host, when `repo_url` is set.
    pub commit_url: Option<String>,
}

/// What lists of cards show: the fields of `macros.html`'s `card_list`, and
/// nothing else, so long lists stay cheap to render.
#[derive(Debug, Clone, Serialize)]
pub struct CardSummary {
    pub url: String,
    pub title: String,
    pub lang: String,
    pub state: Badge,
    pub verified: Option<String>,
    pub due: Option<String>,
    pub named_due: Option<String>,
    pub expiring_from: Option<String>,
    pub collection_title: Option<String>,
}

impl CardView {
    fn summary(&self) -> CardSummary {
        CardSummary {
            url: self.url.clone(),
            title: self.title.clone(),
            lang: self.lang.clone(),
            state: self.state,
            verified: self.verified.clone(),
            due: self.due.clone(),
            named_due: self.named_due.clone(),
            expiring_from: self.expiring_from.clone(),
            collection_title: self.collection_title.clone(),
        }
    }
}

/// Where a reader asks a card's owners: their Slack channel (when the
/// workspace is known), their emails (one `mailto:`), or a new issue in the
/// repository; templates choose and fill in the words.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Ask {
    pub slack: Option<String>,
    /// Comma-separated addresses, for `mailto:`.
    pub email: Option<String>,
    /// `…/issues/new` of `repo_url`.
    pub issue: Option<String>,
    /// The card's address to quote: absolute under `base_url`.
    pub page: String,
}

/// A published card and everything the site knows of it.
pub struct Published<'w> {
    pub entry: &'w Entry<'w>,
    pub card: &'w Card,
    /// Its page's address.
    pub url: String,
    pub freshness: Freshness,
    pub badge: Badge,
    /// Registry keys (or free-form names) of its owners.
    pub owner_keys: Vec<String>,
    model: &'w Model<'w>,
    /// Made on first use: a save under `serve` renders its card's page
    /// before the views of the cards it does not show.
    view: std::sync::OnceLock<CardView>,
    summary: std::sync::OnceLock<CardSummary>,
}

impl Published<'_> {
    /// The card as its page shows it.
    pub fn view(&self) -> &CardView {
        self.view.get_or_init(|| card_view(self.model, self.entry))
    }

    /// The card as lists show it.
    pub fn summary(&self) -> &CardSummary {
        self.summary.get_or_init(|| self.view().summary())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    pub fresh: usize,
    pub expiring: usize,
    pub stale: usize,
    pub unverified: usize,
    pub archived: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    pub title: String,
    pub description: Option<String>,
    pub lang: String,
    pub score: Score,
    pub counts: Counts,
}

#[derive(Debug, Clone, Serialize)]
pub struct CollectionView {
    pub key: String,
    pub title: String,
    pub description: Option<String>,
    pub url: String,
    pub count: usize,
    pub stale: usize,
    pub expiring: usize,
    pub score: Score,
    #[serde(skip)]
    pub cards: Vec<usize>,
    /// The card that is the collection's page (`KEY/index.md`), by
    /// position in `Site::cards`: its page lists the collection's cards.
    #[serde(skip)]
    pub index: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct TagGroup {
    pub name: String,
    pub slug: String,
    pub cards: Vec<usize>,
}

pub struct Site<'w> {
    pub model: &'w Model<'w>,
    pub ws: &'w Workspace,
    pub today: Date,
    pub info: SiteInfo,
    /// Published cards, by id.
    pub cards: Vec<Published<'w>>,
    pub collections: Vec<CollectionView>,
    /// Folders inside collections, by path (`description` unset): nested
    /// folders have pages as collections do.
    pub folders: Vec<CollectionView>,
    /// Cards at the root, outside any collection.
    pub loose: Vec<usize>,
    pub tags: Vec<TagGroup>,
    /// Made on first use ([`Site::owners`]): a save under `serve` renders
    /// its card's page before any owner's.
    owners: std::sync::OnceLock<Vec<OwnerView>>,
    /// For each card (by position in `cards`), the cards that link to it.
    pub backlinks: Vec<Vec<usize>>,
    /// For each card, the other cards it links to.
    pub links: Vec<Vec<usize>>,
}

/// A tag on more cards than this does not make cards related.
pub const BROAD_TAG: usize = 200;

/// Languages written right to left (by primary subtag).
const RTL: &[&str] = &["ar", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "ur", "yi"];

pub fn text_direction(lang: &str) -> &'static str {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if RTL.contains(&primary.as_str()) {
        "rtl"
    } else {
        "ltr"
    }
}

impl<'w> Site<'w> {
    pub fn new(model: &'w Model<'w>) -> Site<'w> {
        let ws = model.ws;

        let cards: Vec<Published> = model
            .published
            .iter()
            .map(|&i| {
                let entry = &model.cards[i];
                Published {
                    entry,
                    card: entry.card,
                    url: entry.page().unwrap_or_default().to_owned(),
                    freshness: entry.freshness,
                    badge: entry.badge,
                    owner_keys: entry.owner_keys(),
                    model,
                    view: std::sync::OnceLock::new(),
                    summary: std::sync::OnceLock::new(),
                }
            })
            .collect();
        // Site positions of the model's published cards.
        let position: rustc_hash::FxHashMap<usize, usize> = model
            .published
            .iter()
            .enumerate()
            .map(|(site, &m)| (m, site))
            .collect();

        let mut backlinks: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); cards.len()];
        let mut links: Vec<Vec<usize>> = vec![Vec::new(); cards.len()];
        for (from, p) in cards.iter().enumerate() {
            for to in model.linked_cards(p.entry) {
                if let Some(&to) = position.get(&to) {
                    backlinks[to].insert(from);
                    if to != from && !links[from].contains(&to) {
                        links[from].push(to);
                    }
                }
            }
        }

        let badges = |ids: &[usize]| ids.iter().map(|&i| cards[i].badge).collect::<Vec<_>>();
        let count = |ids: &[usize], b: Badge| ids.iter().filter(|&&i| cards[i].badge == b).count();

        // A collection's or folder's view: its page card (if any) and its
        // other cards, in site positions, and their counts.
        let view = |key: &str,
                    title: Option<String>,
                    description: Option<String>,
                    url: &str,
                    index: Option<usize>,
                    members: &[usize]| {
            let index = index.and_then(|i| position.get(&i).copied());
            let ids: Vec<usize> = members
                .iter()
                .filter_map(|i| position.get(i).copied())
                .collect();
            let all: Vec<usize> = index.into_iter().chain(ids.iter().copied()).collect();
            CollectionView {
                key: key.to_owned(),
                // A folder's title: its index card's, else its name.
                title: title.unwrap_or_else(|| {
                    index.map_or_else(
                        || key.rsplit('/').next().unwrap_or(key).to_owned(),
                        |i| cards[i].card.title().to_owned(),
                    )
                }),
                description,
                url: urls::href(url),
                count: all.len(),
                stale: count(&all, Badge::Stale),
                expiring: count(&all, Badge::Expiring),
                score: Score::of(badges(&all).into_iter()),
                cards: ids,
                index,
            }
        };
        let mut collections = Vec::new();
        for (key, facts) in &model.collections {
            let (Some(url), Some(c)) = (facts.page.as_deref(), ws.collections.get(*key)) else {
                continue;
            };
            collections.push(view(
                key,
                Some(c.title.clone()),
                c.description.clone(),
                url,
                facts.index,
                &facts.members,
            ));
        }
        let folders: Vec<CollectionView> = model
            .folders
            .iter()
            .map(|(key, facts)| {
                let url = urls::folder_page(key);
                view(key, None, None, &url, facts.index, &facts.members)
            })
            .collect();
        let loose: Vec<usize> = (0..cards.len())
            .filter(|&i| cards[i].card.collection.is_none())
            .collect();

        let mut tag_map: BTreeMap<String, TagGroup> = BTreeMap::new();
        for (i, p) in cards.iter().enumerate() {
            for tag in &p.card.tags {
                let slug = urls::tag_slug(tag);
                let group = tag_map.entry(slug.clone()).or_insert_with(|| TagGroup {
                    name: tag.clone(),
                    slug,
                    cards: Vec::new(),
                });
                if group.cards.last() != Some(&i) {
                    group.cards.push(i);
                }
            }
        }

        let all: Vec<usize> = (0..cards.len()).collect();
        let info = SiteInfo {
            title: ws.config.title.clone(),
            description: ws.config.description.clone(),
            lang: ws.config.lang.clone(),
            score: Score::of(badges(&all).into_iter()),
            counts: Counts {
                fresh: count(&all, Badge::Fresh),
                expiring: count(&all, Badge::Expiring),
                stale: count(&all, Badge::Stale),
                unverified: count(&all, Badge::Unverified),
                archived: count(&all, Badge::Archived),
            },
        };
        Site {
            model,
            ws,
            today: model.today,
            info,
            cards,
            collections,
            folders,
            loose,
            tags: tag_map.into_values().collect(),
            owners: std::sync::OnceLock::new(),
            backlinks: backlinks
                .into_iter()
                .map(|s| s.into_iter().collect())
                .collect(),
            links,
        }
    }

    /// Cards related to card `i`: those it links to or that link to it (2
    /// points each way) and those sharing its tags (1 point a tag; tags on
    /// more than [`BROAD_TAG`] cards say too little to count), best first,
    /// at most `n`, ties in site order.
    pub fn related(&self, i: usize, n: usize) -> Vec<usize> {
        let mut points: rustc_hash::FxHashMap<usize, u32> = rustc_hash::FxHashMap::default();
        for &j in self.links[i].iter().chain(&self.backlinks[i]) {
            *points.entry(j).or_default() += 2;
        }
        for tag in &self.cards[i].card.tags {
            let slug = urls::tag_slug(tag);
            let Ok(g) = self.tags.binary_search_by(|g| g.slug.cmp(&slug)) else {
                continue;
            };
            let group = &self.tags[g].cards;
            if group.len() <= BROAD_TAG {
                for &j in group {
                    *points.entry(j).or_default() += 1;
                }
            }
        }
        points.remove(&i);
        let mut best: Vec<(usize, u32)> = points.into_iter().collect();
        best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        best.into_iter().take(n).map(|(j, _)| j).collect()
    }

    /// The collection or folder at `key`.
    pub fn folder(&self, key: &str) -> Option<&CollectionView> {
        match self.folders.binary_search_by(|f| f.key.as_str().cmp(key)) {
            Ok(i) => Some(&self.folders[i]),
            Err(_) => self.collections.iter().find(|c| c.key == key),
        }
    }

    /// The folders directly inside the collection or folder `key`.
    pub fn subfolders(&self, key: &str) -> impl Iterator<Item = &CollectionView> {
        let start = self.folders.partition_point(|f| f.key.as_str() <= key);
        self.folders[start..]
            .iter()
            .take_while(move |f| f.key.starts_with(key))
            .filter(move |f| {
                f.key.as_bytes().get(key.len()) == Some(&b'/')
                    && !f.key[key.len() + 1..].contains('/')
            })
    }

    /// The collection and folders `path` is inside, outermost first (for a
    /// folder, not itself).
    pub fn ancestors(&self, path: &str) -> Vec<&CollectionView> {
        let mut out = Vec::new();
        let mut at = crate::resolve::parent_folder(path);
        while !at.is_empty() {
            if let Some(f) = self.folder(at) {
                out.push(f);
            }
            at = crate::resolve::parent_folder(at);
        }
        out.reverse();
        out
    }

    /// Every owner with the cards they answer for.
    pub fn owners(&self) -> &[OwnerView] {
        self.owners
            .get_or_init(|| owner_views(self.ws, &self.cards))
    }
}

/// What a card's page and the machine outputs show of it.
fn card_view(model: &Model, entry: &Entry) -> CardView {
    let ws = model.ws;
    let card = entry.card;
    let freshness = entry.freshness;
    let badge = entry.badge;
    let change = entry.last_change.as_ref();
    let collection = card.collection.as_ref().and_then(|c| ws.collections.get(c));
    let collection_url = card
        .collection
        .as_deref()
        .and_then(|c| model.collections.get(c))
        .and_then(|f| f.page.as_deref())
        .map(urls::href);
    let lang = entry.lang.clone();
    let live = badge != Badge::Archived;
    let url = entry.page().unwrap_or_default().to_owned();
    let owners: Vec<OwnerRef> = entry
        .owners
        .iter()
        .map(|o| owner_ref(o.key(), o.owner(), ws.config.slack_workspace.as_deref()))
        .collect();
    CardView {
        id: card.id.clone(),
        url: urls::href(&url),
        markdown_url: urls::href(&urls::card_markdown(&card.id)),
        title: card.title().to_owned(),
        state: badge,
        archived: !live,
        owners_left: entry.owners_left(),
        ask: ask(ws, &owners, &url),
        verified: card.verified.as_ref().map(|v| v.value.to_string()),
        verified_by: entry.verifier.map(|v| v.display_name().to_owned()),
        verify_every: freshness.interval.to_string(),
        due: freshness.due.filter(|_| live).map(|d| d.to_string()),
        named_due: freshness.named_due.filter(|_| live).map(|d| d.to_string()),
        expiring_from: freshness
            .expiring_from
            .filter(|_| live)
            .map(|d| d.to_string()),
        collection_title: collection.map(|c| c.title.clone()),
        collection_url,
        owners,
        tags: card
            .tags
            .iter()
            .map(|t| Link {
                name: t.clone(),
                url: urls::tag_page(t),
            })
            .collect(),
        dir: text_direction(&lang),
        lang,
        edit_url: edit_url(ws, model.repo_prefix.as_deref(), card, "edit"),
        history_url: edit_url(ws, model.repo_prefix.as_deref(), card, "commits"),
        last_changed: change.map(|c| c.date.to_string()),
        last_changed_by: change.map(|c| c.author.clone()),
        commit_url: change.and_then(|c| {
            let repo = ws.config.repo_url.as_deref()?.trim_end_matches('/');
            Some(format!("{repo}/commit/{}", c.commit))
        }),
    }
}

/// The ways to ask a card's owners, from their contacts: the active ones.
fn ask(ws: &Workspace, owners: &[OwnerRef], page: &str) -> Ask {
    let reachable = || owners.iter().filter(|o| !o.left).flat_map(|o| &o.contacts);
    let emails: Vec<String> = reachable()
        .filter(|c| c.kind == "email")
        .map(|c| crate::render::owners::mailto_address(&c.label))
        .collect();
    let page = match ws.config.base_url.as_deref() {
        Some(base) => format!("{}/{}", base.trim_end_matches('/'), urls::href(page)),
        None => urls::href(page),
    };
    Ask {
        slack: reachable()
            .find(|c| c.kind == "slack" && c.href.is_some())
            .and_then(|c| c.href.clone()),
        email: (!emails.is_empty()).then(|| emails.join(",")),
        issue: ws
            .config
            .repo_url
            .as_deref()
            .filter(|r| r.contains("github.com/") || r.contains("gitlab"))
            .map(|r| format!("{}/issues/new", r.trim_end_matches('/'))),
        page,
    }
}

/// "Edit this card" (`edit`) and history (`commits`) links on GitHub-style hosts.
fn edit_url(
    ws: &Workspace,
    repo_prefix: Option<&str>,
    card: &Card,
    action: &str,
) -> Option<String> {
    let repo = ws.config.repo_url.as_deref()?.trim_end_matches('/');
    let prefix = repo_prefix.unwrap_or("");
    let path = if prefix.is_empty() {
        card.rel_path.clone()
    } else {
        format!("{}/{}", prefix.trim_end_matches('/'), card.rel_path)
    };
    Some(format!(
        "{repo}/{action}/{}/{}",
        urls::href(&ws.config.branch),
        urls::href(&path)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtl_languages_are_recognised() {
        assert_eq!(text_direction("he"), "rtl");
        assert_eq!(text_direction("ar-EG"), "rtl");
        assert_eq!(text_direction("fa_IR"), "rtl");
        assert_eq!(text_direction("pt-BR"), "ltr");
        assert_eq!(text_direction("en"), "ltr");
    }

    #[test]
    fn scores_leave_archived_cards_out() {
        let s = Score::of(
            [
                Badge::Fresh,
                Badge::Stale,
                Badge::Expiring,
                Badge::Unverified,
                Badge::Archived,
            ]
            .into_iter(),
        );
        assert_eq!(
            s,
            Score {
                not_stale: 2,
                total: 4,
                percent: 50
            }
        );
        assert_eq!(Score::of(std::iter::empty()).percent, 100);
    }
}
