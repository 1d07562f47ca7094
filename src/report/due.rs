//! The owners' to-do list behind `vouch report`: stale and expiring cards
//! grouped by owner, with each owner's contacts, as Markdown (an issue
//! body), JSON, or Slack lines. Read from the resolved model.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostic::display_path;
use crate::model::card::Status;
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
        let (Some(state @ (State::Stale | State::Expiring)), Some(due)) =
            (entry.freshness.state, entry.freshness.due)
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

/// The report as text in `format`.
pub fn render(report: &Report, format: ReportFormat) -> String {
    match format {
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
            o.name,
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
                c.title.replace('|', "\\|"),
                c.file,
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
            o.name,
            crate::diagnostic::plural(o.cards.len(), "card")
        );
        for c in &o.cards {
            text.push_str(&format!(
                "\n• {} (`{}`): {}, {}",
                c.title,
                c.file,
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
