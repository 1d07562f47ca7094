//! Owners on the site: contact links from the registry, and every person and
//! team with the cards they answer for (the responsibility matrix).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::load::Workspace;
use crate::model::owners::{Owner, OwnerKind};
use crate::render::site::{Badge, Link, Published, Score};
use crate::resolve::urls;

#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    pub label: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnerRef {
    pub name: String,
    pub url: String,
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnerView {
    pub key: String,
    pub name: String,
    pub kind: &'static str,
    pub inactive: bool,
    pub url: String,
    pub contacts: Vec<Contact>,
    pub members: Vec<Link>,
    /// For a person: the teams they belong to, with what each owns.
    pub teams: Vec<TeamLink>,
    /// Cards owned directly or through a team.
    pub count: usize,
    pub stale: usize,
    pub expiring: usize,
    pub score: Score,
    #[serde(skip)]
    pub direct: Vec<usize>,
}

/// A team as listed on a member's page: the member answers for its cards too,
/// which the team's own page lists.
#[derive(Debug, Clone, Serialize)]
pub struct TeamLink {
    pub name: String,
    pub url: String,
    pub count: usize,
    pub stale: usize,
    pub expiring: usize,
}

pub fn owner_url(key: &str) -> String {
    urls::owner_page(key)
}

pub fn contacts(owner: &Owner) -> Vec<Contact> {
    let mut out = Vec::new();
    if let Some(email) = &owner.email {
        out.push(Contact {
            label: email.clone(),
            href: format!("mailto:{email}"),
        });
    }
    if let Some(github) = &owner.github {
        let handle = github.trim_start_matches('@');
        let href = match handle.split_once('/') {
            Some((org, team)) => format!("https://github.com/orgs/{org}/teams/{team}"),
            None => format!("https://github.com/{handle}"),
        };
        out.push(Contact {
            label: format!("@{handle}"),
            href,
        });
    }
    out
}

pub fn owner_ref(key: &str, owner: Option<&Owner>) -> OwnerRef {
    OwnerRef {
        name: owner.map_or(key, |o| o.display_name()).to_owned(),
        url: owner_url(key),
        contacts: owner.map(contacts).unwrap_or_default(),
    }
}

/// Every owner with the cards they own: the responsibility matrix.
pub fn owner_views(ws: &Workspace, cards: &[Published]) -> Vec<OwnerView> {
    let mut direct: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in cards.iter().enumerate() {
        for key in &p.owner_keys {
            direct.entry(key.clone()).or_default().push(i);
        }
    }
    let registry = ws.registry.as_ref();
    let mut keys: BTreeSet<String> = direct.keys().cloned().collect();
    if let Some(r) = registry {
        keys.extend(r.owners().map(|o| o.key.clone()));
    }
    keys.into_iter()
        .map(|key| {
            let owner = registry.and_then(|r| r.get(&key));
            let own = direct.get(&key).cloned().unwrap_or_default();
            let mut teams = Vec::new();
            let mut through_teams = BTreeSet::new();
            let mut members = Vec::new();
            if let (Some(o), Some(r)) = (owner, registry) {
                match &o.kind {
                    OwnerKind::Team { members: m } => {
                        members = m
                            .iter()
                            .map(|k| Link {
                                name: r.get(k).map_or(k.as_str(), |p| p.display_name()).to_owned(),
                                url: owner_url(k),
                            })
                            .collect();
                    }
                    OwnerKind::Person { .. } => {
                        for team in r.owners().filter(|t| r.covers(t, o) && !t.is_person()) {
                            let cards_of_team =
                                direct.get(&team.key).map_or(&[][..], Vec::as_slice);
                            teams.push(TeamLink {
                                name: team.display_name().to_owned(),
                                url: owner_url(&team.key),
                                count: cards_of_team.len(),
                                stale: with_badge(cards, cards_of_team, Badge::Stale),
                                expiring: with_badge(cards, cards_of_team, Badge::Expiring),
                            });
                            through_teams.extend(cards_of_team.iter().copied());
                        }
                    }
                }
            }
            let through_teams: Vec<usize> = through_teams
                .into_iter()
                .filter(|i| !own.contains(i))
                .collect();
            let mut all: Vec<usize> = own.iter().chain(&through_teams).copied().collect();
            all.sort_unstable();
            OwnerView {
                name: owner.map_or(key.as_str(), |o| o.display_name()).to_owned(),
                kind: match owner.map(|o| &o.kind) {
                    Some(OwnerKind::Team { .. }) => "team",
                    Some(OwnerKind::Person { .. }) => "person",
                    None => "owner",
                },
                inactive: owner.is_some_and(|o| o.is_person() && !o.is_active_person()),
                url: owner_url(&key),
                contacts: owner.map(contacts).unwrap_or_default(),
                members,
                teams,
                count: all.len(),
                stale: with_badge(cards, &all, Badge::Stale),
                expiring: with_badge(cards, &all, Badge::Expiring),
                score: Score::of(all.iter().map(|&i| cards[i].badge)),
                direct: own,
                key,
            }
        })
        .collect()
}

/// How many of the cards at `ids` carry `badge`.
fn with_badge(cards: &[Published], ids: &[usize], badge: Badge) -> usize {
    ids.iter().filter(|&&i| cards[i].badge == badge).count()
}
