//! `vouch report [ROOT] [--format markdown|json|slack]`: stale and expiring
//! cards grouped by owner, with each owner's contacts, for a scheduled CI job
//! that opens an issue or posts a message per owner. Always exits 0.

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::civil::Date;
use serde::Serialize;

use crate::cmd::{exit, open_root};
use crate::diagnostic::display_path;
use crate::model::card::Status;
use crate::validate::{self, State, owners::effective_owners};

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

#[derive(Debug, Clone)]
pub struct Options {
    pub root: Option<PathBuf>,
    pub format: ReportFormat,
    pub today: Date,
}

#[derive(Serialize)]
struct Report {
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

pub fn run(opts: &Options) -> anyhow::Result<i32> {
    let ws = match open_root(opts.root.as_deref()) {
        Ok(ws) => ws,
        Err(status) => return Ok(status),
    };
    let checked = validate::validate(&ws, opts.today);
    let registry = ws.registry.as_ref();
    let mut by_owner: BTreeMap<String, Vec<CardDue>> = BTreeMap::new();
    for (card, freshness) in ws.cards.iter().zip(&checked.freshness) {
        let (Some(state @ (State::Stale | State::Expiring)), Some(due)) =
            (freshness.state, freshness.due)
        else {
            continue;
        };
        if card.status != Status::Published {
            continue;
        }
        for owner in effective_owners(card, &ws) {
            let key = registry
                .and_then(|r| r.resolve(owner))
                .map_or(owner, |o| o.key.as_str());
            let cards = by_owner.entry(key.to_owned()).or_default();
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
                days: (due - opts.today).get_days(),
            });
        }
    }
    let owners: Vec<OwnerDue> = by_owner
        .into_iter()
        .map(|(key, mut cards)| {
            cards.sort_by(|a, b| a.days.cmp(&b.days).then(a.id.cmp(&b.id)));
            let owner = registry.and_then(|r| r.get(&key));
            OwnerDue {
                name: owner.map_or(key.clone(), |o| o.display_name().to_owned()),
                kind: match owner.map(|o| o.is_person()) {
                    Some(true) => "person",
                    Some(false) => "team",
                    None => "owner",
                },
                email: owner.and_then(|o| o.email.clone()),
                github: owner.and_then(|o| o.github.clone()),
                slack: owner.and_then(|o| o.slack.clone()),
                key,
                cards,
            }
        })
        .collect();
    let report = Report {
        date: opts.today.to_string(),
        owners,
    };
    let text = match opts.format {
        ReportFormat::Json => format!("{}\n", serde_json::to_string_pretty(&report)?),
        ReportFormat::Markdown => markdown(&report),
        ReportFormat::Slack => slack(&report),
    };
    print!("{text}");
    Ok(exit::OK)
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
