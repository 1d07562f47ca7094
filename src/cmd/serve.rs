//! `vouch serve [ROOT] [--port N] [--open]`: build, serve on 127.0.0.1,
//! rebuild when a file of the root changes, and reload open pages.

use std::fs;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use notify::{EventKind, RecursiveMode};

use crate::cmd::{exit, open_root};
use crate::live::Live;
use crate::serve::{Server, matters};

#[derive(Debug, Clone)]
pub struct Options {
    pub root: Option<PathBuf>,
    /// 0 picks a free port.
    pub port: u16,
    pub open: bool,
    /// `None`: today's UTC date, re-read at every rebuild.
    pub today: Option<Date>,
}

/// Prints the check's diagnostics (errors and warnings, in the human
/// format) and returns the one-line summary.
fn report(live: &Live) -> String {
    let checked = live.checked();
    let shown = crate::report::Options {
        format: crate::report::Format::Human,
        color: false,
        quiet: false,
    };
    let mut text = Vec::new();
    let _ = crate::report::write(&mut text, checked, shown);
    let _ = std::io::stdout().write_all(&text);
    format!(
        "{} errors, {} warnings",
        checked.summary.errors, checked.summary.warnings
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
    let mut live = match Live::build(&root, &out, today()) {
        Ok(live) => live,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(exit::FAILED);
        }
    };
    // Registered before anything is said: an interrupt right after
    // "serving" still removes the temporary site.
    crate::write::remove_if_interrupted(&out);
    let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), opts.port);
    let server = match Server::start(addr, out.clone()) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: cannot listen on {addr}: {e}");
            let _ = fs::remove_dir_all(&out);
            return Ok(exit::USAGE);
        }
    };
    let url = format!("http://{}/", server.addr);
    // Watch before saying "serving": an edit made right after that line
    // must not be missed.
    let (tx, rx) = mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(Duration::from_millis(50), None, tx)?;
    debouncer.watch(&root, RecursiveMode::Recursive)?;
    println!(
        "serving {url} from {} (built in {} ms); watching {} for changes, Ctrl-C to stop",
        out.display(),
        started.elapsed().as_millis(),
        root.display()
    );
    report(&live);
    if opts.open {
        let _ = std::process::Command::new(if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        })
        .arg(&url)
        .spawn();
    }

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
        match live.update(&changed, today) {
            Ok(change) => {
                let summary = report(&live);
                let how = if change.full { "rebuilt" } else { "updated" };
                say(format!(
                    "{how} in {} ms ({} files written, {} removed; {summary}) after a change to {}",
                    started.elapsed().as_millis(),
                    change.written,
                    change.removed,
                    changed[0].display()
                ));
                server.notify(None);
                if !change.full {
                    // The page is reloaded first; search catches up right after.
                    let started = Instant::now();
                    match live.update_search(today) {
                        Ok(n) => say(format!(
                            "search index updated in {} ms ({} files written, {} removed)",
                            started.elapsed().as_millis(),
                            n.written,
                            n.removed
                        )),
                        Err(e) => server.notify(Some(e.to_string())),
                    }
                }
            }
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "build failed: {e}");
                server.notify(Some(e.to_string()));
            }
        }
    }
    Ok(exit::OK)
}
