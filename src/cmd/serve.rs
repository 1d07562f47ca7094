//! `vouch serve [ROOT] [--port N] [--open]`: build, serve on 127.0.0.1,
//! rebuild when a file of the root changes, and reload open pages.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use notify::{EventKind, RecursiveMode};

use crate::cmd::{exit, open_root};
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

/// Loads, checks and builds; returns a message for the page when it failed.
fn rebuild(
    root: Option<&std::path::Path>,
    out: &std::path::Path,
    today: Date,
) -> Result<String, String> {
    let ws = open_root(root).map_err(|_| "the knowledge root cannot be read".to_owned())?;
    let checked = validate::validate(&ws, today);
    let built = render::build(&ws, &checked, today, out).map_err(|e| e.to_string())?;
    Ok(format!(
        "{} pages, {} errors, {} warnings",
        built.pages, checked.summary.errors, checked.summary.warnings
    ))
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
    if let Err(message) = rebuild(Some(&root), &out, today()) {
        eprintln!("error: {message}");
        return Ok(exit::FAILED);
    }
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
        "serving {url} (built in {} ms); watching {} for changes, Ctrl-C to stop",
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
    let canonical_out = std::fs::canonicalize(&out).unwrap_or(out.clone());
    for result in rx {
        let Ok(events) = result else { continue };
        let changed: Vec<PathBuf> = events
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
            .flat_map(|e| e.paths.iter())
            .filter(|p| matters(p, &canonical_out))
            .cloned()
            .collect();
        if changed.is_empty() {
            continue;
        }
        let started = Instant::now();
        match rebuild(Some(&root), &out, today()) {
            Ok(summary) => {
                // Never panic on a closed stdout: the server outlives its terminal.
                let _ = writeln!(
                    std::io::stdout(),
                    "rebuilt in {} ms ({summary}) after a change to {}",
                    started.elapsed().as_millis(),
                    changed[0].display()
                );
                server.notify(None);
            }
            Err(message) => {
                let _ = writeln!(std::io::stderr(), "build failed: {message}");
                server.notify(Some(message));
            }
        }
    }
    Ok(exit::OK)
}
