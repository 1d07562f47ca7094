//! `vouch serve [ROOT] [--port N] [--open]`: build, serve on 127.0.0.1,
//! rebuild when a file of the root changes, and reload open pages.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use jiff::civil::Date;
use notify::{EventKind, RecursiveMode};

use crate::cmd::{exit, open_root};
use crate::live::Live;
use crate::serve::{Server, matters};

/// How long the watcher waits for a burst of file events (an editor's write,
/// rename and chmod of one save) to end before reporting it.
const DEBOUNCE: Duration = Duration::from_millis(20);

#[derive(Debug, Clone)]
pub struct Options {
    pub root: Option<PathBuf>,
    /// 0 picks a free port.
    pub port: u16,
    pub open: bool,
    /// `None`: today's UTC date, re-read at every rebuild.
    pub today: Option<Date>,
}

/// Prints the check's diagnostics that the previous report did not show
/// (all of them, with the check's summary, the first time: `shown` is
/// `None` then), so a save shows what it changed rather than thousands of
/// old lines, and returns the one-line summary.
fn report(live: &Live, shown: &mut Option<HashSet<String>>) -> String {
    let checked = live.checked();
    let keys: Vec<String> = checked
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}:{:?}:{}",
                d.file.display(),
                d.line,
                d.column,
                d.code,
                d.message
            )
        })
        .collect();
    let mut text = Vec::new();
    let new = match shown {
        None => {
            let all = crate::report::Options {
                format: crate::report::Format::Human,
                color: false,
                quiet: false,
            };
            let _ = crate::report::write(&mut text, checked, all);
            None
        }
        Some(before) => {
            let new: Vec<crate::diagnostic::Diagnostic> = checked
                .diagnostics
                .iter()
                .zip(&keys)
                .filter(|(_, k)| !before.contains(*k))
                .map(|(d, _)| d.clone())
                .collect();
            let _ = crate::report::write_human(&mut text, &new, false);
            Some(new.len())
        }
    };
    let _ = std::io::stdout().write_all(&text);
    *shown = Some(keys.into_iter().collect());
    let summary = format!(
        "{} errors, {} warnings",
        checked.summary.errors, checked.summary.warnings
    );
    match new {
        Some(n) if n > 0 => format!("{summary}; {n} new above"),
        _ => summary,
    }
}

pub fn run(opts: &Options) -> anyhow::Result<i32> {
    let ws = match open_root(opts.root.as_deref()) {
        Ok(ws) => ws,
        Err(status) => return Ok(status),
    };
    let root = ws.root.clone();
    drop(ws);
    // The site, its staging folder and its cache live in a private folder
    // (mode 0700, a name no one can guess ahead): nothing another user
    // planted in the shared temporary folder is ever followed or trusted.
    let mut private = tempfile::Builder::new();
    private.prefix("vouch-serve-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        private.permissions(fs::Permissions::from_mode(0o700));
    }
    let private = match private.tempdir().map(tempfile::TempDir::keep) {
        Ok(private) => private,
        Err(e) => {
            eprintln!(
                "error: cannot make a private folder in {}: {e}",
                std::env::temp_dir().display()
            );
            return Ok(exit::FAILED);
        }
    };
    // Registered before anything is built: an interrupt at any point
    // removes the temporary site, its staging folder and its cache.
    crate::write::remove_if_interrupted(&private);
    let result = serve(opts, &root, &private);
    let _ = fs::remove_dir_all(&private);
    crate::write::done_with(&private);
    result
}

/// Builds the site into `private/site` and serves it until the watcher ends.
fn serve(opts: &Options, root: &std::path::Path, private: &std::path::Path) -> anyhow::Result<i32> {
    let root = root.to_path_buf();
    let out = private.join("site");
    let today = || opts.today.unwrap_or_else(crate::utc_today);
    let started = Instant::now();
    let mut live = match Live::build(&root, &out, today()) {
        Ok(live) => live,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(exit::FAILED);
        }
    };
    let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), opts.port);
    let server = match Server::start(addr, out.clone()) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: cannot listen on {addr}: {e}");
            if e.kind() == std::io::ErrorKind::AddrInUse {
                eprintln!(
                    "  help: another program (another `vouch serve`?) uses port {}; choose another with --port, or --port 0 for any free one",
                    addr.port()
                );
            }
            return Ok(exit::USAGE);
        }
    };
    let url = format!("http://{}/", server.addr);
    // Watch before saying "serving": an edit made right after that line
    // must not be missed.
    let (tx, watched) = mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(DEBOUNCE, None, tx)?;
    // Every change is passed on through a flag as well as the channel, so a
    // search index being rebuilt for an older save gives way at once.
    let newer = Arc::new(AtomicBool::new(false));
    let (forward, rx) = mpsc::channel();
    {
        let newer = Arc::clone(&newer);
        std::thread::spawn(move || {
            for events in watched {
                newer.store(true, Ordering::SeqCst);
                if forward.send(events).is_err() {
                    break;
                }
            }
        });
    }
    debouncer.watch(&root, RecursiveMode::Recursive)?;
    println!(
        "serving {url} from {} (built in {} ms); watching {} for changes, Ctrl-C to stop",
        out.display(),
        started.elapsed().as_millis(),
        root.display()
    );
    let mut shown = None;
    report(&live, &mut shown);
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
    // After an in-place update the search index is stale until it is
    // rebuilt; that happens only while no change is waiting, so a page is
    // never held up by the index of an older save.
    let mut search_behind = false;
    loop {
        let result = if search_behind {
            match rx.try_recv() {
                Ok(result) => result,
                Err(mpsc::TryRecvError::Disconnected) => break,
                Err(mpsc::TryRecvError::Empty) => {
                    newer.store(false, Ordering::SeqCst);
                    let started = Instant::now();
                    let superseded = || newer.load(Ordering::SeqCst);
                    match live.update_search(today(), &superseded) {
                        Ok(Some(n)) => {
                            search_behind = false;
                            say(format!(
                                "search index updated in {} ms ({} files written, {} removed)",
                                started.elapsed().as_millis(),
                                n.written,
                                n.removed
                            ));
                        }
                        Ok(None) => {} // a newer change first
                        Err(e) => {
                            search_behind = false;
                            server.notify(Some(e.to_string()));
                        }
                    }
                    continue;
                }
            }
        } else {
            match rx.recv() {
                Ok(result) => result,
                Err(_) => break,
            }
        };
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
        match live.update(&changed, today()) {
            Ok(change) => {
                let summary = report(&live, &mut shown);
                let how = if change.full { "rebuilt" } else { "updated" };
                say(format!(
                    "{how} in {} ms ({} files written, {} removed; {summary}) after a change to {}",
                    started.elapsed().as_millis(),
                    change.written,
                    change.removed,
                    changed[0].display()
                ));
                server.notify(None);
                // A full rebuild wrote the index too; an update leaves it
                // for when no change is waiting.
                search_behind = !change.full;
            }
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "build failed: {e}");
                server.notify(Some(e.to_string()));
            }
        }
    }
    Ok(exit::OK)
}
