//! `vouch serve [ROOT] [--port N] [--open]`: build, serve on 127.0.0.1,
//! rebuild when a file of the root changes, and reload open pages.

use std::fs;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use notify::{EventKind, RecursiveMode};

use crate::cmd::{exit, open_and_check, open_root};
use crate::load::Workspace;
use crate::model::card;
use crate::serve::{Server, matters};
use crate::{render, validate};

#[derive(Debug, Clone)]
pub struct Options {
    pub root: Option<PathBuf>,
    /// 0 picks a free port.
    pub port: u16,
    pub open: bool,
    /// `None`: today's UTC date, re-read at every rebuild.
    pub today: Option<Date>,
}

/// The loaded root and its check, kept between rebuilds.
struct State {
    ws: Workspace,
    checked: validate::Checked,
    /// Read once per full build: edits under `serve` are not commits.
    history: crate::history::Outcome,
}

/// Loads, checks and builds everything.
fn full_build(root: &Path, out: &Path, today: Date) -> Result<(State, String), String> {
    let (ws, checked, history) = open_and_check(Some(root), today, true)
        .map_err(|_| "the knowledge root cannot be read".to_owned())?;
    let built = render::build(&ws, &checked, today, out).map_err(|e| e.to_string())?;
    let summary = format!(
        "{} pages, {} errors, {} warnings",
        built.pages, checked.summary.errors, checked.summary.warnings
    );
    Ok((
        State {
            ws,
            checked,
            history,
        },
        summary,
    ))
}

/// Re-reads the changed cards and re-renders what they affect, when every
/// change is an edit of a card the site already has; `None` asks for a full
/// build (a card added, removed or unreadable, configuration, templates).
fn incremental(
    state: &mut State,
    changed: &[PathBuf],
    out: &Path,
    today: Date,
) -> Option<Result<String, String>> {
    let root = fs::canonicalize(&state.ws.root).ok()?;
    let mut edits = Vec::new();
    for path in changed {
        let rel = path
            .strip_prefix(&root)
            .ok()?
            .to_string_lossy()
            .replace('\\', "/");
        let index = state.ws.cards.iter().position(|c| c.rel_path == rel)?;
        let bytes = fs::read(path).ok()?;
        let file = state.ws.display(&rel);
        let (Some(card), diagnostics) =
            card::parse(&rel, file, &bytes, &state.ws.templates, state.ws.dialect)
        else {
            return None;
        };
        edits.push((index, card, diagnostics));
    }
    let mut affected = render::Affected::default();
    for (index, card, diagnostics) in edits {
        affected.add(&state.ws.cards[index], &state.ws);
        let file = card.file.clone();
        state.ws.diagnostics.retain(|d| d.file != file);
        state.ws.diagnostics.extend(diagnostics);
        state.ws.cards[index] = card;
        affected.add(&state.ws.cards[index], &state.ws);
    }
    state.checked = validate::validate(&state.ws, today);
    validate::history::apply(&state.ws, &state.history, &mut state.checked);
    Some(
        render::update(&state.ws, &state.checked, today, out, &affected)
            .map(|written| {
                format!(
                    "{written} files rewritten, {} errors, {} warnings",
                    state.checked.summary.errors, state.checked.summary.warnings
                )
            })
            .map_err(|e| e.to_string()),
    )
}

pub fn run(opts: &Options) -> anyhow::Result<i32> {
    let ws = match open_root(opts.root.as_deref()) {
        Ok(ws) => ws,
        Err(status) => return Ok(status),
    };
    let root = ws.root.clone();
    drop(ws);
    let out = std::env::temp_dir().join(format!("vouch-serve-{}", std::process::id()));
    let today = || opts.today.unwrap_or_else(crate::utc_today);
    let started = Instant::now();
    let mut state = match full_build(&root, &out, today()) {
        Ok((state, _)) => state,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(exit::FAILED);
        }
    };
    let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), opts.port);
    let server = match Server::start(addr, out.clone()) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: cannot listen on {addr}: {e}");
            return Ok(exit::USAGE);
        }
    };
    let url = format!("http://{}/", server.addr);
    println!(
        "serving {url} from {} (built in {} ms); watching {} for changes, Ctrl-C to stop",
        out.display(),
        started.elapsed().as_millis(),
        root.display()
    );
    if opts.open {
        let _ = std::process::Command::new(if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        })
        .arg(&url)
        .spawn();
    }

    let (tx, rx) = mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(Duration::from_millis(50), None, tx)?;
    debouncer.watch(&root, RecursiveMode::Recursive)?;
    let canonical_out = fs::canonicalize(&out).unwrap_or(out.clone());
    // Never panic on a closed stdout or stderr: the server outlives its terminal.
    let say = |line: String| {
        let _ = writeln!(std::io::stdout(), "{line}");
    };
    for result in rx {
        let Ok(events) = result else { continue };
        let mut changed: Vec<PathBuf> = events
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
            .flat_map(|e| e.paths.iter())
            .filter(|p| matters(p, &canonical_out))
            .cloned()
            .collect();
        changed.sort();
        changed.dedup();
        if changed.is_empty() {
            continue;
        }
        let started = Instant::now();
        let today = today();
        let outcome = match incremental(&mut state, &changed, &out, today) {
            Some(outcome) => outcome.map(|summary| (summary, true)),
            None => full_build(&root, &out, today).map(|(fresh, summary)| {
                state = fresh;
                (summary, false)
            }),
        };
        match outcome {
            Ok((summary, partial)) => {
                let how = if partial { "updated" } else { "rebuilt" };
                say(format!(
                    "{how} in {} ms ({summary}) after a change to {}",
                    started.elapsed().as_millis(),
                    changed[0].display()
                ));
                server.notify(None);
                if partial {
                    // The page is reloaded first; search catches up right after.
                    let started = Instant::now();
                    match render::update_search(&state.ws, &state.checked, today, &out) {
                        Ok(n) => say(format!(
                            "search index updated in {} ms ({n} files)",
                            started.elapsed().as_millis()
                        )),
                        Err(e) => server.notify(Some(e.to_string())),
                    }
                }
            }
            Err(message) => {
                let _ = writeln!(std::io::stderr(), "build failed: {message}");
                server.notify(Some(message));
            }
        }
    }
    Ok(exit::OK)
}
