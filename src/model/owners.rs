//! `owners.yaml`: the people and teams who own cards, and every handle a card may
//! use to name them (key, email, GitHub login or team, Slack handle or channel).

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use crate::diagnostic::Code;
use crate::model::fields::{self, Fields, Reporter};
use crate::yaml::{Node, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerKind {
    Person { active: bool },
    Team { members: Vec<String> },
}

/// A person or a team of the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub key: String,
    pub kind: OwnerKind,
    pub name: Option<String>,
    pub email: Option<String>,
    pub github: Option<String>,
    pub slack: Option<String>,
}

impl Owner {
    pub fn is_person(&self) -> bool {
        matches!(self.kind, OwnerKind::Person { .. })
    }

    pub fn is_active_person(&self) -> bool {
        matches!(self.kind, OwnerKind::Person { active: true })
    }

    /// A person who is no longer active: they can vouch for nothing.
    pub fn has_left(&self) -> bool {
        matches!(self.kind, OwnerKind::Person { active: false })
    }

    /// The name to show: the registry's `name`, else the key.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.key)
    }
}

/// The owners registry. People and teams share one namespace of keys.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    owners: BTreeMap<String, Owner>,
    handles: HashMap<String, String>,
}

const PERSON_KEYS: &[&str] = &["name", "email", "github", "slack", "active"];
const TEAM_KEYS: &[&str] = &["name", "members", "email", "github", "slack"];

impl Registry {
    pub fn owners(&self) -> impl Iterator<Item = &Owner> {
        self.owners.values()
    }

    pub fn get(&self, key: &str) -> Option<&Owner> {
        self.owners.get(key)
    }

    /// The owner a card names by key or by any of its handles.
    pub fn resolve(&self, name: &str) -> Option<&Owner> {
        self.owners.get(name).or_else(|| {
            self.handles
                .get(&normalize(name))
                .and_then(|k| self.owners.get(k))
        })
    }

    /// Whether `person` is `owner` or a member of the team `owner`.
    pub fn covers(&self, owner: &Owner, person: &Owner) -> bool {
        match &owner.kind {
            OwnerKind::Person { .. } => owner.key == person.key,
            OwnerKind::Team { members } => members.contains(&person.key),
        }
    }

    /// Every key and handle, for "did you mean" hints.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.owners.keys().map(String::as_str)
    }

    pub fn from_yaml(node: &Node, reporter: &mut Reporter) -> Registry {
        let mut registry = Registry::default();
        let mut f = Fields::of(node, "owners.yaml", reporter);
        let mut members_to_check = Vec::new();
        let mut handles = Vec::new();
        if let Some((_, people)) = f.take("people") {
            for (key, entry) in entries(people, "`people`", reporter) {
                let owner = read_owner(
                    key,
                    entry,
                    true,
                    reporter,
                    &mut members_to_check,
                    &mut handles,
                );
                registry.insert(owner, key.span.clone(), reporter);
            }
        }
        if let Some((_, teams)) = f.take("teams") {
            for (key, entry) in entries(teams, "`teams`", reporter) {
                let owner = read_owner(
                    key,
                    entry,
                    false,
                    reporter,
                    &mut members_to_check,
                    &mut handles,
                );
                registry.insert(owner, key.span.clone(), reporter);
            }
        }
        f.report_unknown(&["people", "teams"], "owners.yaml", reporter);
        for (member, span, team) in members_to_check {
            match registry.owners.get(&member) {
                Some(o) if o.is_person() => {}
                Some(_) => {
                    reporter
                        .at(
                            Code::InvalidRegistry,
                            span,
                            format!("`{member}`, a member of team `{team}`, is a team"),
                        )
                        .set_help(
                            "a team's members must be people: list the people of that team instead",
                        );
                }
                None => {
                    let hint = fields::closest(&member, registry.names());
                    let d = reporter.at(
                        Code::InvalidRegistry,
                        span,
                        format!(
                            "`{member}`, a member of team `{team}`, is not a person in owners.yaml"
                        ),
                    );
                    match hint {
                        Some(h) => d.set_help(format!("did you mean `{h}`?")),
                        None => d.set_help("add the person under `people:`"),
                    };
                }
            }
        }
        registry.index_handles(&handles, reporter);
        registry
    }

    fn insert(&mut self, owner: Owner, span: Range<usize>, reporter: &mut Reporter) {
        if self.owners.contains_key(&owner.key) {
            reporter
                .at(
                    Code::InvalidRegistry,
                    span,
                    format!("`{}` is defined twice", owner.key),
                )
                .set_help("people and teams share one namespace: give each a distinct key");
            return;
        }
        self.owners.insert(owner.key.clone(), owner);
    }

    /// Maps every handle to its owner. A handle written exactly the same for two
    /// owners is an error; the looser forms (without `@` or `#`) are dropped
    /// quietly when they would collide.
    fn index_handles(&mut self, handles: &[Handle], reporter: &mut Reporter) {
        let mut exact: HashMap<String, String> = HashMap::new();
        let mut loose: HashMap<String, Option<String>> = HashMap::new();
        for Handle {
            owner,
            written,
            span,
            at_form,
        } in handles
        {
            if !self.owners.contains_key(owner) {
                continue;
            }
            let h = normalize(written);
            match exact.get(&h) {
                Some(other) if other != owner => {
                    reporter
                        .at(
                            Code::InvalidRegistry,
                            span.clone(),
                            format!("handle `{written}` belongs to both `{other}` and `{owner}`"),
                        )
                        .set_help("each email, GitHub or Slack handle must name one owner");
                }
                _ => {
                    exact.insert(h.clone(), owner.clone());
                }
            }
            let bare = h.trim_start_matches(['@', '#']).to_owned();
            let mut forms = vec![bare.clone()];
            if *at_form {
                forms.push(format!("@{bare}"));
            }
            for form in forms.into_iter().filter(|f| *f != h) {
                loose
                    .entry(form)
                    .and_modify(|k| {
                        if k.as_ref() != Some(owner) {
                            *k = None;
                        }
                    })
                    .or_insert_with(|| Some(owner.clone()));
            }
        }
        for (handle, key) in loose {
            if let Some(key) = key
                && !exact.contains_key(&handle)
                && !self.owners.contains_key(&handle)
            {
                exact.insert(handle, key);
            }
        }
        // `@key` names an owner by key, as in "@maria".
        for key in self.owners.keys() {
            exact
                .entry(normalize(&format!("@{key}")))
                .or_insert_with(|| key.clone());
        }
        self.handles = exact;
    }
}

/// A handle as written in owners.yaml, with its owner and position.
struct Handle {
    owner: String,
    written: String,
    span: Range<usize>,
    /// GitHub logins are also written `@login`.
    at_form: bool,
}

fn normalize(handle: &str) -> String {
    handle.trim().to_lowercase()
}

fn entries<'a>(
    node: &'a Node,
    what: &str,
    reporter: &mut Reporter,
) -> &'a [(crate::yaml::Key, Node)] {
    match &node.value {
        Value::Map(entries) => entries,
        Value::Null => &[],
        other => {
            reporter
                .at(
                    Code::InvalidRegistry,
                    node.span.clone(),
                    format!("{what} must map keys to entries, found {}", other.kind()),
                )
                .set_help(
                    "write `key:` on its own line, then the entry's fields indented below it",
                );
            &[]
        }
    }
}

fn read_owner(
    key: &crate::yaml::Key,
    node: &Node,
    person: bool,
    reporter: &mut Reporter,
    members_to_check: &mut Vec<(String, Range<usize>, String)>,
    handles: &mut Vec<Handle>,
) -> Owner {
    let mut owner = Owner {
        key: key.name.clone(),
        kind: if person {
            OwnerKind::Person { active: true }
        } else {
            OwnerKind::Team {
                members: Vec::new(),
            }
        },
        name: None,
        email: None,
        github: None,
        slack: None,
    };
    let what = format!("`{}`", key.name);
    let mut f = Fields::of(node, &what, reporter);
    let mut text = |f: &mut Fields, k: &str, reporter: &mut Reporter| {
        let (_, node) = f.take(k)?;
        let value = fields::text(node, reporter)?;
        if let Some((what, form)) = contact_problem(k, &value, person) {
            // Never kept: CODEOWNERS, reports and pages take it as written.
            reporter
                .at(
                    Code::InvalidRegistry,
                    node.span.clone(),
                    format!("`{}` is not {what}", value.escape_debug()),
                )
                .set_help(form);
            return None;
        }
        if k != "name" {
            handles.push(Handle {
                owner: key.name.clone(),
                written: value.clone(),
                span: node.span.clone(),
                at_form: k == "github",
            });
        }
        Some(value)
    };
    owner.name = text(&mut f, "name", reporter);
    owner.email = text(&mut f, "email", reporter);
    owner.github = text(&mut f, "github", reporter);
    owner.slack = text(&mut f, "slack", reporter);
    if person {
        if let Some(active) = f
            .take("active")
            .and_then(|(_, v)| fields::boolean(v, reporter))
        {
            owner.kind = OwnerKind::Person { active };
        }
        f.report_unknown(PERSON_KEYS, &format!("person {what}"), reporter);
    } else {
        let members = f
            .take("members")
            .map(|(_, v)| fields::text_list(v, reporter))
            .unwrap_or_default();
        for (member, span) in &members {
            members_to_check.push((member.clone(), span.clone(), key.name.clone()));
        }
        owner.kind = OwnerKind::Team {
            members: members.into_iter().map(|(m, _)| m).collect(),
        };
        f.report_unknown(TEAM_KEYS, &format!("team {what}"), reporter);
    }
    owner
}

/// What is wrong with the contact `value` of field `k`, if anything, and
/// the form it takes. Contacts go into CODEOWNERS, generated issues, Slack
/// messages and pages: a space, a control character or a bidi control in
/// one could add a line, a mention or reorder the text around it.
fn contact_problem(k: &str, value: &str, person: bool) -> Option<(&'static str, &'static str)> {
    let bad_char = |c: char| c.is_control() || crate::diagnostic::is_hidden_control(c);
    if k == "name" {
        return value.chars().any(bad_char).then_some((
            "a name: it holds control or bidi characters",
            "write the name as plain text on one line",
        ));
    }
    let word = |s: &str, extra: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
    };
    match k {
        "github" => {
            let bare = value.strip_prefix('@').unwrap_or(value);
            let login =
                |s: &str| s.len() <= 39 && word(s, "-") && !s.starts_with('-') && !s.ends_with('-');
            let ok = match bare.split_once('/') {
                Some((org, team)) => !person && login(org) && word(team, "-_."),
                None => login(bare),
            };
            (!ok).then_some(if person {
                (
                    "a GitHub login",
                    "write the login, such as `@msilva` (letters, digits and single hyphens)",
                )
            } else {
                (
                    "a GitHub login or team",
                    "write `@org/team-slug`, or a member's login such as `@msilva`",
                )
            })
        }
        "slack" => {
            // Slack's names may be in any script (`#suporte-técnico`).
            let bare = value.strip_prefix(['@', '#']).unwrap_or(value);
            let ok = !bare.is_empty()
                && bare
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
            (!ok).then_some((
                "a Slack handle or channel",
                "write `@handle` or `#channel` (letters, digits, `-`, `_`, `.`, no spaces)",
            ))
        }
        _ => {
            let ok = value.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !value
                        .chars()
                        .any(|c| c.is_whitespace() || bad_char(c) || "<>()[]\\,;:\"".contains(c))
            });
            (!ok).then_some((
                "an email address",
                "write one address, such as `maria@example.com`",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceText;

    fn registry(yaml: &str) -> (Registry, Vec<String>) {
        let source = SourceText::new(yaml);
        let mut reporter = Reporter::new("owners.yaml".into(), source);
        let node = crate::yaml::parse(yaml, 0..yaml.len()).unwrap();
        let registry = Registry::from_yaml(&node, &mut reporter);
        let codes = reporter
            .diagnostics
            .iter()
            .map(|d| format!("{}:{} {}", d.line, d.code, d.message))
            .collect();
        (registry, codes)
    }

    const YAML: &str = "people:\n  maria:\n    name: Maria Silva\n    email: maria@acme.example\n    github: msilva\n    slack: \"@maria\"\n  joao:\n    active: false\nteams:\n  billing:\n    members: [maria, joao]\n    slack: \"#billing\"\n    github: \"@acme/billing\"\n";

    #[test]
    fn handles_resolve_to_owners() {
        let (r, problems) = registry(YAML);
        assert!(problems.is_empty(), "{problems:?}");
        for handle in ["maria", "@maria", "msilva", "@msilva", "Maria@Acme.example"] {
            assert_eq!(
                r.resolve(handle).map(|o| o.key.as_str()),
                Some("maria"),
                "{handle}"
            );
        }
        for handle in ["billing", "#billing", "@acme/billing", "acme/billing"] {
            assert_eq!(
                r.resolve(handle).map(|o| o.key.as_str()),
                Some("billing"),
                "{handle}"
            );
        }
        assert!(r.resolve("nobody").is_none());
        assert!(!r.get("joao").unwrap().is_active_person());
    }

    #[test]
    fn members_must_be_people() {
        let (_, problems) = registry(
            "people:\n  a: {}\nteams:\n  t:\n    members: [a, u, t2]\n  t2:\n    members: [a]\n",
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("`u`"));
        assert!(problems[1].contains("is a team"));
    }

    #[test]
    fn one_namespace_for_people_and_teams() {
        let (_, problems) = registry("people:\n  a: {}\nteams:\n  a:\n    members: []\n");
        assert_eq!(problems, ["4:invalid-registry `a` is defined twice"]);
    }
}
