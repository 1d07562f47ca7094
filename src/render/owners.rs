//! Owners on the site: contact links from the registry, and every person and
//! team with the cards they answer for (the responsibility matrix).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::load::Workspace;
use crate::model::owners::{Owner, OwnerKind};
use crate::render::site::{Badge, Link, Published, Score};
use crate::resolve::urls;

/// One way to reach an owner: an email address, a GitHub user or team, a
/// Slack channel or handle (a link when the workspace is known).
#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    /// `email`, `github` or `slack`.
    pub kind: &'static str,
    pub label: String,
    pub href: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnerRef {
    pub name: String,
    pub url: String,
    pub contacts: Vec<Contact>,
    /// A person who has left.
    pub left: bool,
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
    /// Never verified.
    pub unverified: usize,
    pub score: Score,
    #[serde(skip)]
    pub direct: Vec<usize>,
    /// Cards owned directly or through a team, most overdue first.
    #[serde(skip)]
    pub all: Vec<usize>,
    /// The earliest due day of those cards that are not archived.
    pub first_due: Option<String>,
}

/// A team as listed on a member's page: the member answers for its cards too,
/// which the team's own page lists.
#[derive(Debug, Clone, Serialize)]
pub struct TeamLink {
    pub key: String,
    pub name: String,
    pub url: String,
    pub count: usize,
    pub stale: usize,
    pub expiring: usize,
}

pub fn owner_url(key: &str) -> String {
    urls::owner_page(key)
}

/// Every contact of a registered owner, in the order email, GitHub, Slack.
pub fn contacts(owner: &Owner, slack_workspace: Option<&str>) -> Vec<Contact> {
    let mut out = Vec::new();
    if let Some(email) = &owner.email {
        out.push(Contact {
            kind: "email",
            label: email.clone(),
            href: Some(format!("mailto:{}", mailto_address(email))),
        });
    }
    if let Some(github) = &owner.github {
        let handle = github.trim_start_matches('@');
        let href = match handle.split_once('/') {
            Some((org, team)) => format!("https://github.com/orgs/{org}/teams/{team}"),
            None => format!("https://github.com/{handle}"),
        };
        out.push(Contact {
            kind: "github",
            label: format!("@{handle}"),
            href: Some(href),
        });
    }
    out.extend(owner.slack.as_deref().map(|h| slack(h, slack_workspace)));
    out
}

/// An address as `mailto:` carries it: percent-encoded around its `@`, so an
/// address written with `?` or `&` cannot add a subject or another field.
pub fn mailto_address(email: &str) -> String {
    email
        .split('@')
        .map(crate::urlpath::percent_encode)
        .collect::<Vec<_>>()
        .join("@")
}

/// A Slack handle as a contact: a channel (`#team`) links into the
/// workspace when it is known; a person's handle (`@ana`) has no address
/// Slack resolves by name, so it is shown as written.
pub fn slack(handle: &str, workspace: Option<&str>) -> Contact {
    let href = handle
        .strip_prefix('#')
        .filter(|name| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
        .zip(workspace)
        .map(|(name, ws)| format!("https://{ws}.slack.com/app_redirect?channel={name}"));
    Contact {
        kind: "slack",
        label: handle.to_owned(),
        href,
    }
}

/// A Slack handle written where an owner goes (tech-docs' `owner_slack`,
/// or a free-form owner): `#channel` or `@person`.
fn is_slack_handle(name: &str) -> bool {
    name.len() > 1 && (name.starts_with('#') || name.starts_with('@')) && !name.contains(' ')
}

/// How to reach the owner `key`: the registry's contacts, or the Slack
/// handle a free-form owner is written as.
fn contacts_of(key: &str, owner: Option<&Owner>, slack_workspace: Option<&str>) -> Vec<Contact> {
    match owner {
        Some(o) => contacts(o, slack_workspace),
        None if is_slack_handle(key) => vec![slack(key, slack_workspace)],
        None => Vec::new(),
    }
}

pub fn owner_ref(key: &str, owner: Option<&Owner>, slack_workspace: Option<&str>) -> OwnerRef {
    OwnerRef {
        name: owner.map_or(key, |o| o.display_name()).to_owned(),
        url: owner_url(key),
        contacts: contacts_of(key, owner, slack_workspace),
        left: owner.is_some_and(Owner::has_left),
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
                                key: team.key.clone(),
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
            // `own` is in card order (built by walking `cards`), so a
            // binary search keeps a person in a big team from costing
            // their cards times the team's.
            let through_teams: Vec<usize> = through_teams
                .into_iter()
                .filter(|i| own.binary_search(i).is_err())
                .collect();
            let mut all: Vec<usize> = own.iter().chain(&through_teams).copied().collect();
            sort_by_urgency(cards, &mut all);
            let first_due = all
                .iter()
                .filter_map(|&i| cards[i].view().due.clone())
                .min();
            OwnerView {
                name: owner.map_or(key.as_str(), |o| o.display_name()).to_owned(),
                kind: match owner.map(|o| &o.kind) {
                    Some(OwnerKind::Team { .. }) => "team",
                    Some(OwnerKind::Person { .. }) => "person",
                    None => "owner",
                },
                inactive: owner.is_some_and(Owner::has_left),
                url: owner_url(&key),
                contacts: contacts_of(&key, owner, ws.config.slack_workspace.as_deref()),
                members,
                teams,
                count: all.len(),
                stale: with_badge(cards, &all, Badge::Stale),
                expiring: with_badge(cards, &all, Badge::Expiring),
                unverified: with_badge(cards, &all, Badge::Unverified),
                score: Score::of(all.iter().map(|&i| cards[i].badge)),
                direct: own,
                all,
                first_due,
                key,
            }
        })
        .collect()
}

/// Most overdue first: never verified, then by due day (the order does not
/// change as days pass), archived last; ties by title, then id.
pub fn sort_by_urgency(cards: &[Published], ids: &mut [usize]) {
    ids.sort_by(|&a, &b| {
        let key = |i: usize| {
            let p = &cards[i];
            let rank = match p.badge {
                Badge::Unverified => 0,
                Badge::Archived => 2,
                _ => 1,
            };
            (rank, p.freshness.due)
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| cards[a].view().title.cmp(&cards[b].view().title))
            .then_with(|| cards[a].card.id.cmp(&cards[b].card.id))
    });
}

/// How many of the cards at `ids` carry `badge`.
fn with_badge(cards: &[Published], ids: &[usize], badge: Badge) -> usize {
    ids.iter().filter(|&&i| cards[i].badge == badge).count()
}
