//! Who owns a card and who may vouch for it, decided once: `check`'s owner
//! rules, the site's owner pages, `report`, `verify` and `new` all ask here.

use crate::git::GitUser;
use crate::load::Workspace;
use crate::model::card::Card;
use crate::model::owners::{Owner, Registry};

/// An owner a card names, resolved against the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership<'w> {
    /// A person or team of `owners.yaml`, named by key or any handle.
    Registered(&'w Owner),
    /// A name `owners.yaml` does not know (`check` reports it).
    Unknown(&'w str),
    /// A free-form name in a root without `owners.yaml`.
    FreeForm(&'w str),
}

impl<'w> Ownership<'w> {
    /// The registry key, or the name as written when there is none: what
    /// owner pages, `cards.json` and reports group by.
    pub fn key(self) -> &'w str {
        match self {
            Ownership::Registered(o) => &o.key,
            Ownership::Unknown(name) | Ownership::FreeForm(name) => name,
        }
    }

    pub fn owner(self) -> Option<&'w Owner> {
        match self {
            Ownership::Registered(o) => Some(o),
            _ => None,
        }
    }

    /// The name to show a reader.
    pub fn display_name(self) -> &'w str {
        match self {
            Ownership::Registered(o) => o.display_name(),
            Ownership::Unknown(name) | Ownership::FreeForm(name) => name,
        }
    }
}

/// The owners that apply to a card, as written: its own, else its
/// collection's defaults, else the root's default (tech-docs-gem's
/// `default_owner_slack`).
pub fn effective_owners<'w>(card: &'w Card, ws: &'w Workspace) -> Vec<&'w str> {
    if !card.owners.is_empty() {
        return card.owners.iter().map(|o| o.value.as_str()).collect();
    }
    let from_collection: Vec<&str> = card
        .collection
        .as_ref()
        .and_then(|c| ws.collections.get(c))
        .map(|c| c.owners.iter().map(|(o, _)| o.as_str()).collect())
        .unwrap_or_default();
    if from_collection.is_empty() {
        ws.default_owners.iter().map(String::as_str).collect()
    } else {
        from_collection
    }
}

/// `names` resolved against the registry (when there is one); without
/// one, names that differ only by case are one owner, in one spelling.
pub fn resolve_all<'w>(names: &[&'w str], ws: &'w Workspace) -> Vec<Ownership<'w>> {
    let registry = ws.registry.as_ref();
    names
        .iter()
        .map(|&name| match registry {
            None => Ownership::FreeForm(
                ws.spellings
                    .get(&name.to_lowercase())
                    .map_or(name, String::as_str),
            ),
            Some(r) => r
                .resolve(name)
                .map_or(Ownership::Unknown(name), Ownership::Registered),
        })
        .collect()
}

/// Why a person may not vouch for a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Teams do not verify; one of their members does.
    Team,
    /// The person has left.
    Inactive,
    /// Neither an owner nor a member of an owning team.
    NotOwner,
    /// The card has no owners, so no one may (`check` reports the missing
    /// owners themselves).
    NoOwners,
}

/// The verifier rule: a person vouches for a card when they are active and
/// one of its owners, or a member of an owning team.
pub fn may_verify(
    registry: &Registry,
    owners: &[Ownership],
    person: &Owner,
) -> Result<(), Refusal> {
    if !person.is_person() {
        return Err(Refusal::Team);
    }
    if !person.is_active_person() {
        return Err(Refusal::Inactive);
    }
    if owners.is_empty() {
        return Err(Refusal::NoOwners);
    }
    if owners
        .iter()
        .filter_map(|o| o.owner())
        .any(|o| registry.covers(o, person))
    {
        Ok(())
    } else {
        Err(Refusal::NotOwner)
    }
}

/// The registry entry of the git user: by email, else by key or handle
/// matching the name, else by the registry's display name (any case).
pub fn identify<'r>(registry: &'r Registry, user: &GitUser) -> Option<&'r Owner> {
    user.email
        .as_deref()
        .and_then(|e| registry.resolve(e))
        .or_else(|| {
            let name = user.name.as_deref()?;
            registry.resolve(name).or_else(|| {
                registry.owners().find(|o| {
                    o.name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(name))
                })
            })
        })
}

/// For `vouch new`: the owner to write (`--owner`, else the git user when the registry knows
/// them, else none when the collection has default owners) and the verifier
/// (the git user, when they are that owner or in that team).
pub fn new_card_owner(
    ws: &Workspace,
    collection: Option<&str>,
    owner: Option<&str>,
    me: Option<&GitUser>,
) -> (Option<String>, Option<String>) {
    let Some(registry) = &ws.registry else {
        let name = me
            .map(|u| u.name.clone().or(u.email.clone()).unwrap_or_default())
            .filter(|n| !n.is_empty());
        return (owner.map(str::to_owned).or_else(|| name.clone()), name);
    };
    let me = me
        .and_then(|u| identify(registry, u))
        .filter(|o| o.is_active_person());
    let collection_default = collection
        .and_then(|c| ws.collections.get(c))
        .is_some_and(|c| !c.owners.is_empty());
    let owner = owner.map(str::to_owned).or_else(|| {
        if collection_default {
            None
        } else {
            me.map(|m| m.key.clone())
        }
    });
    let owners: Vec<String> = match &owner {
        Some(o) => vec![o.clone()],
        None => collection
            .and_then(|c| ws.collections.get(c))
            .map(|c| c.owners.iter().map(|(o, _)| o.clone()).collect())
            .unwrap_or_default(),
    };
    let names: Vec<&str> = owners.iter().map(String::as_str).collect();
    let owners = resolve_all(&names, ws);
    let verifier = me.filter(|m| may_verify(registry, &owners, m).is_ok());
    (owner, verifier.map(|m| m.key.clone()))
}

/// Why `vouch verify` cannot tell who is verifying, or refuses them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifierError {
    #[error("cannot tell who is verifying: pass --by PERSON")]
    NoOne,
    #[error("`{0}` is not in owners.yaml{1}")]
    Unknown(String, String),
    #[error(
        "the git user ({0}) is not in owners.yaml: pass --by PERSON, or add your email or name to owners.yaml"
    )]
    UnknownGitUser(String),
    #[error("`{0}` is a team; a person verifies cards")]
    Team(String),
    #[error("`{0}` is no longer active and cannot verify")]
    Inactive(String),
}

/// Who is verifying: `--by`, else the git user, as a registry key (or the
/// name as given, without a registry). Teams and people who left are refused.
pub fn verifier(
    registry: Option<&Registry>,
    by: Option<&str>,
    user: Option<GitUser>,
) -> Result<String, VerifierError> {
    let Some(registry) = registry else {
        return by
            .map(str::to_owned)
            .or_else(|| user.and_then(|u| u.name))
            .ok_or(VerifierError::NoOne);
    };
    let person = match by {
        Some(name) => registry
            .resolve(name)
            .ok_or_else(|| VerifierError::Unknown(name.to_owned(), did_you_mean(registry, name)))?,
        None => user
            .as_ref()
            .and_then(|u| identify(registry, u))
            .ok_or_else(|| {
                VerifierError::UnknownGitUser(
                    user.and_then(|u| u.email.or(u.name))
                        .unwrap_or_else(|| "not configured".to_owned()),
                )
            })?,
    };
    match may_verify(registry, &[], person) {
        Err(Refusal::Team) => Err(VerifierError::Team(person.key.clone())),
        Err(Refusal::Inactive) => Err(VerifierError::Inactive(person.key.clone())),
        _ => Ok(person.key.clone()),
    }
}

/// `; did you mean `x`?` for a name the registry does not know, or nothing.
pub fn did_you_mean(registry: &Registry, name: &str) -> String {
    crate::model::fields::closest(name, registry.names())
        .map(|hint| format!("; did you mean `{hint}`?"))
        .unwrap_or_default()
}
