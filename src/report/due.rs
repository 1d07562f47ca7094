//! The owners' to-do list behind `vouch report`: stale and expiring cards
//! grouped by owner, with each owner's contacts, as Markdown (an issue
//! body), JSON, or Slack lines. Read from the resolved model.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostic::display_path;
use crate::model::card::Status;
use crate::report::escape;
use crate::resolve::{Model, State};

/// How to write the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A Markdown document: one section per owner, ready for an issue body.
    Markdown,
    /// One JSON document with every owner and card.
    Json,
    /// One line of JSON per owner, `{"owner", "channel", "text"}`, the text in
    /// Slack's mrkdwn: feed each line to a webhook.
    Slack,
    /// One JSON document for a GitHub issue per owner: `open` (title, body
    /// with absolute links and mentions, assignees) and `close` (owners with
    /// nothing left), under one label: the scheduled workflow's input.
    GithubIssues,
}

#[derive(Serialize)]
pub struct Report {
    date: String,
    owners: Vec<OwnerDue>,
}

#[derive(Serialize)]
struct OwnerDue {
    key: String,
    name: String,
    kind: &'static str,
    email: Option<String>,
    github: Option<String>,
    slack: Option<String>,
    cards: Vec<CardDue>,
}

#[derive(Serialize)]
struct CardDue {
    id: String,
    title: String,
    file: String,
    /// Where a reader opens it: the site's page under `base_url`, else the
    /// file on the repository's host under `repo_url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    state: State,
    due: String,
    /// Positive: days left; negative: days overdue.
    days: i32,
}

/// Every owner with a stale or expiring published card, and those cards,
/// most overdue first.
pub fn due(model: &Model) -> Report {
    let today = model.today;
    let mut by_owner: BTreeMap<&str, Vec<CardDue>> = BTreeMap::new();
    let mut owner_of = BTreeMap::new();
    for entry in &model.cards {
        let card = entry.card;
        // The date `check` and the pages name (a tech-docs page's review date).
        let (Some(state @ (State::Stale | State::Expiring)), Some(due)) =
            (entry.freshness.state, entry.freshness.named_due)
        else {
            continue;
        };
        if card.status != Status::Published {
            continue;
        }
        for owner in &entry.owners {
            let key = owner.key();
            owner_of.insert(key, owner.owner());
            let cards = by_owner.entry(key).or_default();
            // A card may name one owner twice, by key and by handle.
            if cards.iter().any(|c| c.id == card.id) {
                continue;
            }
            cards.push(CardDue {
                id: card.id.clone(),
                title: card.title().to_owned(),
                file: display_path(&card.file),
                url: card_url(model, entry),
                state,
                due: due.to_string(),
                days: (due - today).get_days(),
            });
        }
    }
    let owners: Vec<OwnerDue> = by_owner
        .into_iter()
        .map(|(key, mut cards)| {
            cards.sort_by(|a, b| a.days.cmp(&b.days).then(a.id.cmp(&b.id)));
            let owner = owner_of.get(key).copied().flatten();
            OwnerDue {
                name: owner.map_or(key.to_owned(), |o| o.display_name().to_owned()),
                kind: match owner.map(|o| o.is_person()) {
                    Some(true) => "person",
                    Some(false) => "team",
                    None => "owner",
                },
                email: owner.and_then(|o| o.email.clone()),
                github: owner.and_then(|o| o.github.clone()),
                slack: owner.and_then(|o| o.slack.clone()),
                key: key.to_owned(),
                cards,
            }
        })
        .collect();
    Report {
        date: today.to_string(),
        owners,
    }
}

/// The address of a card for someone reading an issue or a message.
fn card_url(model: &Model, entry: &crate::resolve::Entry) -> Option<String> {
    let config = &model.ws.config;
    if let (Some(base), Some(page)) = (&config.base_url, entry.page()) {
        return Some(format!(
            "{}/{}",
            base.trim_end_matches('/'),
            crate::resolve::urls::href(page)
        ));
    }
    let repo = config.repo_url.as_deref()?.trim_end_matches('/');
    let path = match model.repo_prefix.as_deref().filter(|p| !p.is_empty()) {
        Some(prefix) => format!("{}/{}", prefix.trim_end_matches('/'), entry.card.rel_path),
        None => entry.card.rel_path.clone(),
    };
    Some(format!(
        "{repo}/blob/{}/{}",
        crate::resolve::urls::href(&config.branch),
        crate::resolve::urls::href(&path)
    ))
}

/// The label every owner's issue carries.
pub const ISSUE_LABEL: &str = "vouch: re-verify";

#[derive(Serialize)]
struct Issues {
    label: &'static str,
    /// One issue per owner with cards to re-verify: opened, or updated in
    /// place when an open issue of that label has the same title.
    open: Vec<Issue>,
    /// Every other owner: an open issue with this title is closed.
    close: Vec<Closed>,
}

#[derive(Serialize)]
struct Issue {
    owner: String,
    title: String,
    body: String,
    /// GitHub logins: the person, or a team's members.
    assignees: Vec<String>,
}

#[derive(Serialize)]
struct Closed {
    owner: String,
    title: String,
}

fn issue_title(name: &str, key: &str) -> String {
    if name == key {
        format!("Cards to re-verify: {key}")
    } else {
        format!("Cards to re-verify: {name} ({key})")
    }
}

/// `report` as GitHub issues: who gets one, and whose issue can close.
fn github_issues(report: &Report, model: &Model) -> String {
    let registry = model.ws.registry.as_ref();
    let login = |handle: &str| handle.trim_start_matches('@').to_owned();
    let mut open = Vec::new();
    for o in &report.owners {
        let owner = registry.and_then(|r| r.get(&o.key));
        let mut assignees = Vec::new();
        let mut mentions = Vec::new();
        match owner.map(|x| &x.kind) {
            Some(crate::model::owners::OwnerKind::Team { members }) => {
                if let Some(team) = &o.github {
                    mentions.push(format!("@{}", login(team)));
                }
                for member in members {
                    if let Some(person) = registry.and_then(|r| r.get(member))
                        && person.is_active_person()
                        && let Some(github) = &person.github
                    {
                        assignees.push(login(github));
                    }
                }
            }
            _ => {
                if let Some(github) = &o.github {
                    assignees.push(login(github));
                    mentions.push(format!("@{}", login(github)));
                }
            }
        }
        // The owners' handles (checked in owners.yaml) ping; names, titles
        // and paths are text.
        let name = escape::markdown(&o.name);
        let mut body = format!(
            "{} must re-verify {}: read each card, fix what changed, then run `vouch verify` on it (or set `verified` to today). This issue is updated every run and closes when nothing is left.\n",
            if mentions.is_empty() {
                name
            } else {
                format!("{name} ({})", mentions.join(", "))
            },
            crate::diagnostic::plural(o.cards.len(), "card")
        );
        body.push_str("\n| Card | State | Due | |\n| --- | --- | --- | --- |\n");
        for c in &o.cards {
            let title = escape::markdown(&c.title);
            let link = match &c.url {
                Some(url) => format!("[{title}]({})", escape::markdown_dest(url)),
                None => format!("{title} ({})", escape::markdown(&c.file)),
            };
            body.push_str(&format!(
                "| {link} | {} | {} | {} |\n",
                c.state.as_str(),
                c.due,
                when(c.days)
            ));
        }
        // The marker the workflow finds the issue by: a key cannot end the
        // comment (`-->`) or the line.
        body.push_str(&format!(
            "\n<!-- vouch-owner: {} -->\n",
            o.key
                .replace("--", "- -")
                .replace(|c: char| c.is_control(), " ")
        ));
        open.push(Issue {
            owner: o.key.clone(),
            title: issue_title(&o.name, &o.key),
            body,
            assignees,
        });
    }
    // Everyone who could have had an issue and has none now.
    let close = model
        .owner_names(&model.cards)
        .into_iter()
        .filter(|(key, _)| !report.owners.iter().any(|o| o.key == *key))
        .map(|(key, name)| Closed {
            title: issue_title(name, key),
            owner: key.to_owned(),
        })
        .collect();
    let issues = Issues {
        label: ISSUE_LABEL,
        open,
        close,
    };
    format!(
        "{}\n",
        serde_json::to_string_pretty(&issues).unwrap_or_default()
    )
}

/// The report as text in `format`.
pub fn render(report: &Report, format: ReportFormat, model: &Model) -> String {
    match format {
        ReportFormat::GithubIssues => github_issues(report, model),
        ReportFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(report).unwrap_or_default()
        ),
        ReportFormat::Markdown => markdown(report),
        ReportFormat::Slack => slack(report),
    }
}

fn when(days: i32) -> String {
    match days {
        d if d < 0 => format!(
            "{} overdue",
            crate::diagnostic::plural(d.unsigned_abs() as usize, "day")
        ),
        0 => "due today".to_owned(),
        d => format!("{} left", crate::diagnostic::plural(d as usize, "day")),
    }
}

fn contacts(o: &OwnerDue) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(g) = &o.github {
        out.push(if g.starts_with('@') {
            g.clone()
        } else {
            format!("@{g}")
        });
    }
    out.extend(o.slack.clone());
    out.extend(o.email.clone());
    out
}

fn markdown(report: &Report) -> String {
    let cards = report
        .owners
        .iter()
        .flat_map(|o| o.cards.iter().map(|c| c.id.as_str()))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut out = format!("# Cards to re-verify, {}\n\n", report.date);
    if report.owners.is_empty() {
        out.push_str("Every card is fresh. Nothing to re-verify.\n");
        return out;
    }
    out.push_str(&format!(
        "{} to re-verify across {}. An owner checks each card is still right, then runs `vouch verify` on it.\n",
        crate::diagnostic::plural(cards, "card"),
        crate::diagnostic::plural(report.owners.len(), "owner")
    ));
    for o in &report.owners {
        let who = contacts(o);
        out.push_str(&format!(
            "\n## {}{}\n\n",
            escape::markdown(&o.name),
            if who.is_empty() {
                String::new()
            } else {
                format!(" ({})", who.join(", "))
            }
        ));
        out.push_str("| Card | State | Due | |\n| --- | --- | --- | --- |\n");
        for c in &o.cards {
            out.push_str(&format!(
                "| [{}]({}) | {} | {} | {} |\n",
                escape::markdown(&c.title),
                escape::markdown_dest(&c.file),
                c.state.as_str(),
                c.due,
                when(c.days)
            ));
        }
    }
    out
}

fn slack(report: &Report) -> String {
    let mut out = String::new();
    for o in &report.owners {
        let mut text = format!(
            "*{}*: {} to re-verify",
            escape::slack(&o.name),
            crate::diagnostic::plural(o.cards.len(), "card")
        );
        for c in &o.cards {
            text.push_str(&format!(
                "\n• {} (`{}`): {}, {}",
                escape::slack(&c.title),
                escape::slack(&c.file).replace('`', "'"),
                c.state.as_str(),
                when(c.days)
            ));
        }
        let line = serde_json::json!({ "owner": o.key, "channel": o.slack, "text": text });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}
