//! The site as data: every published card with its state and links, and the
//! collections, tags and owners that group them. Pages and machine outputs
//! are rendered from this; nothing here writes or formats HTML.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::load::Workspace;
use crate::markdown::github_slug;
use crate::model::card::{Card, Status};
use crate::model::interval::{Interval, Unit};
pub use crate::render::owners::owner_url;
use crate::render::owners::{OwnerRef, OwnerView, owner_ref, owner_views};
use crate::validate::links::Index;
use crate::validate::owners::effective_owners;
use crate::validate::{Checked, Freshness, State};

/// A card's state as the site shows it.
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

    fn label(self) -> &'static str {
        match self {
            Badge::Fresh => "Fresh",
            Badge::Expiring => "Expiring",
            Badge::Stale => "Stale",
            Badge::Unverified => "Unverified",
            Badge::Archived => "Archived",
        }
    }

    /// Whether the card counts as trustworthy in the trust score.
    fn trusted(self) -> bool {
        matches!(self, Badge::Fresh | Badge::Expiring)
    }
}

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
    pub title: String,
    pub state: Badge,
    pub state_label: &'static str,
    pub archived: bool,
    pub verified: Option<String>,
    pub verified_by: Option<String>,
    pub verify_every: String,
    pub due: Option<String>,
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
    pub state: Badge,
    pub state_label: &'static str,
    pub verified: Option<String>,
    pub due: Option<String>,
    pub expiring_from: Option<String>,
    pub collection_title: Option<String>,
}

impl CardView {
    fn summary(&self) -> CardSummary {
        CardSummary {
            url: self.url.clone(),
            title: self.title.clone(),
            state: self.state,
            state_label: self.state_label,
            verified: self.verified.clone(),
            due: self.due.clone(),
            expiring_from: self.expiring_from.clone(),
            collection_title: self.collection_title.clone(),
        }
    }
}

/// A published card and everything the site knows of it.
pub struct Published<'w> {
    pub card: &'w Card,
    pub freshness: Freshness,
    pub badge: Badge,
    /// Registry keys (or free-form names) of its owners.
    pub owner_keys: Vec<String>,
    pub view: CardView,
    pub summary: CardSummary,
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
}

#[derive(Debug, Clone)]
pub struct TagGroup {
    pub name: String,
    pub slug: String,
    pub cards: Vec<usize>,
}

pub struct Site<'w> {
    pub ws: &'w Workspace,
    pub today: Date,
    pub info: SiteInfo,
    /// Published cards, by id.
    pub cards: Vec<Published<'w>>,
    pub collections: Vec<CollectionView>,
    /// Cards at the root, outside any collection.
    pub loose: Vec<usize>,
    pub tags: Vec<TagGroup>,
    pub owners: Vec<OwnerView>,
    /// For each card (by position in `cards`), the cards that link to it.
    pub backlinks: Vec<Vec<usize>>,
    pub index: Index<'w>,
}

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

/// Cards whose page would overwrite one of the site's own pages or a
/// collection's page are not published; `check` reports them as `duplicate-id`.
fn collides(card: &Card, ws: &Workspace) -> bool {
    let first = card.id.split('/').next().unwrap_or_default();
    crate::render::RESERVED.contains(&first)
        || (!card.id.contains('/') && ws.collections.contains_key(first))
}

pub fn tag_slug(tag: &str) -> String {
    slug_or(tag, "tag")
}

/// A URL segment that is never empty and never climbs (`..`) or nests (`/`).
pub(crate) fn slug_or(text: &str, fallback: &str) -> String {
    let slug = github_slug(text);
    if slug.is_empty() || slug.chars().all(|c| c == '-') {
        fallback.to_owned()
    } else {
        slug
    }
}

/// The first day on which a card due on `due` is expiring: the earliest `d`
/// with `d + warn_within >= due` (see `freshness::state_on`).
fn expiring_from(due: Date, warn: Interval) -> Date {
    let count = i64::from(warn.count);
    let span = match warn.unit {
        Unit::Day => count.days(),
        Unit::Week => (count * 7).days(),
        Unit::Month => count.months(),
        Unit::Year => count.years(),
    };
    let within = |d: Date| warn.after(d).is_some_and(|edge| edge >= due);
    let mut day = due.checked_sub(span).unwrap_or(due);
    // Month arithmetic clamps, so the estimate can be a few days off.
    while let Ok(before) = day.checked_sub(1.day()) {
        if !within(before) {
            break;
        }
        day = before;
    }
    while !within(day) && day < due {
        match day.checked_add(1.day()) {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    day
}

impl<'w> Site<'w> {
    pub fn new(
        ws: &'w Workspace,
        checked: &Checked,
        today: Date,
        repo_prefix: Option<&str>,
    ) -> Site<'w> {
        let index = Index::new(ws);
        let registry = ws.registry.as_ref();
        let warn = ws.config.verification.warn_within;

        let mut cards: Vec<Published> = ws
            .cards
            .iter()
            .zip(&checked.freshness)
            .enumerate()
            .filter(|(_, (card, _))| card.status != Status::Draft && !collides(card, ws))
            .map(|(i, (card, freshness))| {
                let change = checked.last_change(i);
                let badge = match (card.status, freshness.state) {
                    (Status::Archived, _) => Badge::Archived,
                    (_, Some(State::Fresh)) => Badge::Fresh,
                    (_, Some(State::Expiring)) => Badge::Expiring,
                    (_, Some(State::Stale)) => Badge::Stale,
                    (_, None) => Badge::Unverified,
                };
                let owner_keys: Vec<String> = effective_owners(card, ws)
                    .into_iter()
                    .map(|name| {
                        registry
                            .and_then(|r| r.resolve(name))
                            .map_or(name, |o| o.key.as_str())
                            .to_owned()
                    })
                    .collect();
                let collection = card.collection.as_ref().and_then(|c| ws.collections.get(c));
                let lang = card.lang.clone().unwrap_or_else(|| ws.config.lang.clone());
                let live = badge != Badge::Archived;
                let view = CardView {
                    id: card.id.clone(),
                    url: format!("{}/", card.id),
                    title: card.title().to_owned(),
                    state: badge,
                    state_label: badge.label(),
                    archived: !live,
                    verified: card.verified.as_ref().map(|v| v.value.to_string()),
                    verified_by: card.verified_by.as_ref().map(|v| {
                        registry
                            .and_then(|r| r.resolve(&v.value))
                            .map_or(v.value.clone(), |o| o.display_name().to_owned())
                    }),
                    verify_every: freshness.interval.to_string(),
                    due: freshness.due.filter(|_| live).map(|d| d.to_string()),
                    expiring_from: freshness
                        .due
                        .filter(|_| live)
                        .map(|d| expiring_from(d, warn).to_string()),
                    collection_title: collection.map(|c| c.title.clone()),
                    collection_url: collection.map(|c| format!("{}/", c.key)),
                    owners: owner_keys
                        .iter()
                        .map(|key| owner_ref(key, registry.and_then(|r| r.get(key))))
                        .collect(),
                    tags: card
                        .tags
                        .iter()
                        .map(|t| Link {
                            name: t.clone(),
                            url: format!("tags/{}/", tag_slug(t)),
                        })
                        .collect(),
                    dir: text_direction(&lang),
                    lang,
                    edit_url: edit_url(ws, repo_prefix, card, "edit"),
                    history_url: edit_url(ws, repo_prefix, card, "commits"),
                    last_changed: change.map(|c| c.date.to_string()),
                    last_changed_by: change.map(|c| c.author.clone()),
                    commit_url: change.and_then(|c| {
                        let repo = ws.config.repo_url.as_deref()?.trim_end_matches('/');
                        Some(format!("{repo}/commit/{}", c.commit))
                    }),
                };
                Published {
                    card,
                    freshness: *freshness,
                    badge,
                    owner_keys,
                    summary: view.summary(),
                    view,
                }
            })
            .collect();
        cards.sort_by(|a, b| a.card.id.cmp(&b.card.id));
        let position: HashMap<&str, usize> = cards
            .iter()
            .enumerate()
            .map(|(i, p)| (p.card.id.as_str(), i))
            .collect();

        let mut backlinks: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); cards.len()];
        for (from, p) in cards.iter().enumerate() {
            for link in &p.card.outline.links {
                let target = index.linked_card(&link.dest, p.card);
                if let Some(&to) = target.and_then(|t| position.get(t.id.as_str()))
                    && to != from
                {
                    backlinks[to].insert(from);
                }
            }
        }

        let badges = |ids: &[usize]| ids.iter().map(|&i| cards[i].badge).collect::<Vec<_>>();
        let count = |ids: &[usize], b: Badge| ids.iter().filter(|&&i| cards[i].badge == b).count();

        let mut collections = Vec::new();
        let mut loose = Vec::new();
        let mut by_collection: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, p) in cards.iter().enumerate() {
            match &p.card.collection {
                Some(c) => by_collection.entry(c.as_str()).or_default().push(i),
                None => loose.push(i),
            }
        }
        for (key, c) in &ws.collections {
            let ids = by_collection.remove(key.as_str()).unwrap_or_default();
            if ids.is_empty() {
                continue;
            }
            collections.push(CollectionView {
                key: key.clone(),
                title: c.title.clone(),
                description: c.description.clone(),
                url: format!("{key}/"),
                count: ids.len(),
                stale: count(&ids, Badge::Stale),
                expiring: count(&ids, Badge::Expiring),
                score: Score::of(badges(&ids).into_iter()),
                cards: ids,
            });
        }

        let mut tag_map: BTreeMap<String, TagGroup> = BTreeMap::new();
        for (i, p) in cards.iter().enumerate() {
            for tag in &p.card.tags {
                let slug = tag_slug(tag);
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

        let owners = owner_views(ws, &cards);
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
            ws,
            today,
            info,
            cards,
            collections,
            loose,
            tags: tag_map.into_values().collect(),
            owners,
            backlinks: backlinks
                .into_iter()
                .map(|s| s.into_iter().collect())
                .collect(),
            index,
        }
    }

    /// The list entries of `ids`.
    pub fn views(&self, ids: &[usize]) -> Vec<&CardSummary> {
        ids.iter().map(|&i| &self.cards[i].summary).collect()
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
    Some(format!("{repo}/{action}/{}/{path}", ws.config.branch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiring_starts_warn_within_before_due() {
        let due: Date = "2026-06-30".parse().unwrap();
        assert_eq!(
            expiring_from(due, Interval::days(14)).to_string(),
            "2026-06-16"
        );
        let month = "1mo".parse().unwrap();
        // 2026-03-01 + 1 month = 2026-04-01 reaches the due date; 02-28 + 1 month = 03-28 does not.
        assert_eq!(
            expiring_from("2026-03-31".parse().unwrap(), month).to_string(),
            "2026-03-01"
        );
        let due: Date = "2026-08-31".parse().unwrap();
        let from = expiring_from(due, "6mo".parse().unwrap());
        assert_eq!(from.to_string(), "2026-03-01");
        assert_eq!(
            crate::validate::freshness::state_on(due, from, "6mo".parse().unwrap()),
            State::Expiring
        );
    }

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
