//! `vouch verify CARD... [--by PERSON]` and `vouch verify --stale`: record that
//! an owner confirmed cards are right, changing nothing else in the files.

use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::cmd::{exit, open_root};
use crate::diagnostic::display_path;
use crate::edit::set_verification;
use crate::load::Workspace;
use crate::resolve::owners::{may_verify, verifier};
use crate::resolve::{Entry, GitFacts, Model, State};
use crate::stamp::Stamp;

#[derive(Debug, Clone)]
pub struct Options {
    pub cards: Vec<PathBuf>,
    /// The verifier; default: the git user, matched in the registry.
    pub by: Option<String>,
    pub today: Date,
    /// Verify every stale card the verifier may verify.
    pub stale: bool,
    /// With `stale`: do not ask first.
    pub yes: bool,
    /// The root for `--stale` (default as for `check`).
    pub root: Option<PathBuf>,
}

pub fn run(opts: &Options) -> anyhow::Result<i32> {
    if opts.cards.is_empty() && !opts.stale {
        eprintln!("error: name the cards to verify, or pass --stale");
        return Ok(exit::USAGE);
    }
    for card in &opts.cards {
        if !card.is_file() {
            eprintln!("error: `{}` is not a file", card.display());
            return Ok(exit::USAGE);
        }
    }
    let root = opts.root.clone().or_else(|| {
        opts.cards
            .first()
            .and_then(|c| crate::load::root_of_file(c))
    });
    let ws = match open_root(root.as_deref()) {
        Ok(ws) => ws,
        Err(status) => return Ok(status),
    };
    let user = crate::git::git_user(&ws.root);
    let verifier = match verifier(ws.registry.as_ref(), opts.by.as_deref(), user) {
        Ok(v) => v,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(exit::FAILED);
        }
    };

    let model = Model::new(&ws, opts.today, GitFacts::default());
    let mut targets: Vec<&Entry> = Vec::new();
    for path in &opts.cards {
        match find_card(&model, path) {
            Some(card) => targets.push(card),
            None => {
                eprintln!(
                    "error: `{}` is not a card of the knowledge root `{}`",
                    path.display(),
                    ws.root.display()
                );
                return Ok(exit::USAGE);
            }
        }
    }
    if opts.stale {
        let stale: Vec<&Entry> = model
            .cards
            .iter()
            .filter(|e| {
                e.freshness.state == Some(State::Stale)
                    && e.card.status == crate::model::card::Status::Published
            })
            .filter(|e| allowed(&ws, e, &verifier).is_ok())
            .collect();
        if stale.is_empty() {
            println!("no stale card that {verifier} may verify");
        } else {
            println!("{verifier} may verify {} stale card(s):", stale.len());
            for e in &stale {
                println!("  {}", display_path(&e.card.file));
            }
            // Re-verifying is a promise that each card was read: ask.
            if !opts.yes && !confirmed(stale.len()) {
                eprintln!(
                    "nothing verified: read each card, then answer `y`, or pass --yes where nobody can answer"
                );
                return Ok(if std::io::stdin().is_terminal() {
                    exit::OK
                } else {
                    exit::USAGE
                });
            }
        }
        targets.extend(stale);
    }

    let mut status = exit::OK;
    for entry in targets {
        let card = entry.card;
        if let Err(message) = allowed(&ws, entry, &verifier) {
            eprintln!(
                "error: {}: {message}; the file is unchanged",
                display_path(&card.file)
            );
            status = exit::FAILED;
            continue;
        }
        // A card already verified today gets the time as well, so the new
        // verification is a change git can see and order after an edit.
        let stamp = Stamp {
            date: opts.today,
            time: card
                .verified
                .as_ref()
                .is_some_and(|v| v.value == opts.today)
                .then(crate::utc_time_now),
        };
        match write_verification(&ws.root.join(&card.rel_path), stamp, &verifier) {
            Ok(written) => println!(
                "verified {} on {} by {verifier}",
                display_path(&card.file),
                describe(written)
            ),
            Err(message) => {
                eprintln!(
                    "error: {}: {message}; the file is unchanged",
                    display_path(&card.file)
                );
                status = exit::FAILED;
            }
        }
    }
    Ok(status)
}

fn describe(stamp: Stamp) -> String {
    match stamp.time {
        None => stamp.date.to_string(),
        Some(t) => format!("{} at {} UTC", stamp.date, t.strftime("%H:%M:%S")),
    }
}

fn find_card<'m>(model: &'m Model, path: &Path) -> Option<&'m Entry<'m>> {
    let wanted = fs::canonicalize(path).ok()?;
    model
        .cards
        .iter()
        .find(|e| fs::canonicalize(model.ws.root.join(&e.card.rel_path)).is_ok_and(|p| p == wanted))
}

/// Asks on the terminal whether to verify `n` cards; `false` without one.
fn confirmed(n: usize) -> bool {
    use std::io::{BufRead, Write};
    if !std::io::stdin().is_terminal() {
        return false;
    }
    print!("verify these {n} card(s), each read and still right? [y/N] ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    matches!(answer.trim(), "y" | "Y" | "yes")
}

/// Whether `verifier` may vouch for the card: the verifier rule of
/// `resolve::owners`, in words for the terminal.
fn allowed(ws: &Workspace, entry: &Entry, verifier: &str) -> Result<(), String> {
    let Some(registry) = &ws.registry else {
        return Ok(());
    };
    let person = registry
        .get(verifier)
        .ok_or_else(|| format!("`{verifier}` is not in owners.yaml"))?;
    may_verify(registry, &entry.owners, person).map_err(|_| {
        let owners = crate::resolve::owners::effective_owners(entry.card, ws);
        format!(
            "`{verifier}` is not an owner of this card nor a member of an owning team (owners: {})",
            if owners.is_empty() {
                "none".to_owned()
            } else {
                owners.join(", ")
            }
        )
    })
}

/// Edits the file atomically: a sibling temporary file renamed over it.
/// Returns the stamp as written.
fn write_verification(path: &Path, today: Stamp, verifier: &str) -> Result<Stamp, String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| "it is not UTF-8".to_owned())?;
    let edited = set_verification(&text, today, verifier).map_err(|e| e.to_string())?;
    if edited == text {
        if today.time.is_some() && text.lines().any(|l| l.starts_with("last_reviewed_on:")) {
            eprintln!(
                "note: {}: already verified today in tech-docs-gem's `last_reviewed_on`, which holds a day only, so this changes nothing; a change since then can be vouched for tomorrow",
                display_path(path)
            );
        }
        return Ok(today.date.into());
    }
    crate::write::replace_file(path, edited.as_bytes())
        .map(|()| today)
        .map_err(|e| format!("cannot write it: {e}"))
}
