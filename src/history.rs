//! What git knows about each card: read in one `git log` pass over the root
//! (newest first, renames followed), never one git call per card.
//!
//! Outside a git repository, or without git, history is simply absent. A
//! shallow clone is detected and history is switched off with one note: its
//! oldest commit would look like it added every card.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;

use jiff::civil::Date;

use crate::front_matter;
use crate::git::{GitError, Repo, git};

/// The note printed once when the history cannot be trusted.
pub const SHALLOW_NOTE: &str = "this is a shallow clone, so card history (last changed, `changed-after-verification`) is off; fetch the full history (actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`)";

/// The newest commit that changed a card's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastChange {
    /// The day of the commit, in its author's time zone.
    pub date: jiff::civil::Date,
    pub author: String,
    pub commit: String,
}

/// One commit that touched at least one card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub id: String,
    /// The author date, in the author's own time zone: the day they made the change.
    pub date: Date,
    pub author: String,
}

/// How a commit touched a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Added,
    Modified,
    /// Moved from another path; 100 means not one byte changed.
    Renamed {
        similarity: u8,
    },
}

impl Kind {
    /// A rename that kept every byte.
    fn is_pure_move(self) -> bool {
        self == Kind::Renamed { similarity: 100 }
    }

    /// A change to a file that existed before: a modification or a rename
    /// with edits (not an addition, not a pure move).
    fn edits(self) -> bool {
        match self {
            Kind::Modified => true,
            Kind::Renamed { .. } => !self.is_pure_move(),
            Kind::Added => false,
        }
    }
}

/// One commit's change to one card, with the blobs before and after.
#[derive(Debug, Clone)]
pub struct Touch {
    pub commit: usize,
    pub kind: Kind,
    pub old_blob: String,
    pub new_blob: String,
}

/// The history of every file under the root, keyed by its path relative to
/// the root today; each file's touches newest first.
#[derive(Debug, Default)]
pub struct History {
    pub commits: Vec<Commit>,
    files: HashMap<String, Vec<Touch>>,
    top: std::path::PathBuf,
    /// Blob id -> what it says (see `meaning`), kept across calls so that
    /// `vouch serve` reads each blob once.
    meanings: Mutex<HashMap<String, String>>,
}

/// What reading the history found.
#[derive(Debug)]
pub enum Outcome {
    /// Not a git repository, or git is not installed: history is off, quietly.
    Off,
    /// A shallow clone: history is off, and the user is told once.
    Shallow,
    Read(History),
}

impl Outcome {
    pub fn history(&self) -> Option<&History> {
        match self {
            Outcome::Read(h) => Some(h),
            _ => None,
        }
    }

    /// The note to print, if any.
    pub fn note(&self) -> Option<&'static str> {
        matches!(self, Outcome::Shallow).then_some(SHALLOW_NOTE)
    }
}

/// Reads the history of everything under `root`.
pub fn read(root: &Path) -> Outcome {
    let Ok(repo) = Repo::discover(root) else {
        return Outcome::Off;
    };
    if repo.is_shallow() {
        return Outcome::Shallow;
    }
    match log(&repo, None) {
        Ok(history) => Outcome::Read(history),
        // A repository without commits yet has no history to read.
        Err(_) => Outcome::Off,
    }
}

/// The commits after `base` up to `HEAD` under the repository's folder: each
/// file's touches in that range, newest first, renames followed.
pub fn read_range(repo: &Repo, base: &str) -> Result<History, GitError> {
    log(repo, Some(&format!("{base}..HEAD")))
}

fn log(repo: &Repo, range: Option<&str>) -> Result<History, GitError> {
    let mut args = vec![
        "-c",
        "core.quotePath=false",
        "log",
        "-z",
        "--raw",
        "--no-abbrev",
        "--find-renames",
        "--format=%x1e%H%x00%aI%x00%an",
    ];
    args.extend(range);
    args.extend(["--", repo.pathspec()]);
    let stdout = git(&repo.top, &args)?;
    let mut history = parse_log(&stdout, &repo.prefix);
    history.top = repo.top.clone();
    Ok(history)
}

/// Walks `git log -z --raw` output, newest commit first. A path's first
/// appearance is the file as it is today (unless that appearance deletes
/// it); a rename hands the file's identity to its old path, an addition ends
/// it, so a later file reusing a name never inherits an older one's history.
fn parse_log(stdout: &[u8], prefix: &str) -> History {
    let stdout = String::from_utf8_lossy(stdout);
    let mut history = History::default();
    // Path in history -> the file it is today (None: not a file of today).
    let mut identity: HashMap<&str, Option<&str>> = HashMap::new();
    for record in stdout.split('\x1e').filter(|r| !r.is_empty()) {
        let mut tokens = record.split('\0');
        let (Some(id), Some(date), Some(author)) = (tokens.next(), tokens.next(), tokens.next())
        else {
            continue;
        };
        let Some(date) = date.get(..10).and_then(|d| d.parse::<Date>().ok()) else {
            continue;
        };
        let commit = history.commits.len();
        history.commits.push(Commit {
            id: id.to_owned(),
            date,
            author: author.to_owned(),
        });
        // Every entry of the commit first: its new-side paths name files after
        // the commit, its old-side paths files before it.
        let mut entries = Vec::new();
        while let Some(token) = tokens.next() {
            let Some(meta) = token.trim_start_matches('\n').strip_prefix(':') else {
                continue;
            };
            // ":100644 100644 <old> <new> <status>"
            let mut fields = meta.split(' ').skip(2);
            let (Some(old_blob), Some(new_blob), Some(status)) =
                (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let Some(path) = tokens.next() else { break };
            let mut entry = Entry {
                kind: Some(Kind::Modified),
                old_path: None,
                path,
                today: None,
                old_blob,
                new_blob,
            };
            match status.as_bytes().first() {
                Some(b'R' | b'C') => {
                    let Some(new_path) = tokens.next() else { break };
                    entry.path = new_path;
                    if let Some(score) = status.strip_prefix('R') {
                        let similarity = score.parse().unwrap_or(0);
                        entry.kind = Some(Kind::Renamed { similarity });
                        entry.old_path = Some(path);
                    } else {
                        entry.kind = Some(Kind::Added);
                    }
                }
                Some(b'A') => entry.kind = Some(Kind::Added),
                Some(b'D') => entry.kind = None,
                _ => {}
            }
            entries.push(entry);
        }
        for entry in &mut entries {
            if entry.kind.is_some() {
                entry.today = identity
                    .get(entry.path)
                    .copied()
                    .unwrap_or(Some(entry.path));
            }
        }
        for entry in &entries {
            // Before this commit, a path that was added, moved in or deleted
            // here was not the file of today; a modified one still was.
            let before = match entry.kind {
                Some(Kind::Modified) => entry.today,
                _ => None,
            };
            identity.insert(entry.path, before);
        }
        for entry in entries {
            let (Some(kind), Some(today)) = (entry.kind, entry.today) else {
                continue;
            };
            if let Some(old_path) = entry.old_path {
                identity.insert(old_path, Some(today));
            }
            let Some(rel) = root_relative(today, prefix) else {
                continue;
            };
            let touch = Touch {
                commit,
                kind,
                old_blob: entry.old_blob.to_owned(),
                new_blob: entry.new_blob.to_owned(),
            };
            match history.files.get_mut(rel) {
                Some(touches) => touches.push(touch),
                None => {
                    history.files.insert(rel.to_owned(), vec![touch]);
                }
            }
        }
    }
    history
}

/// One line of `--raw` output. `kind` is `None` for a deletion.
struct Entry<'a> {
    kind: Option<Kind>,
    old_path: Option<&'a str>,
    path: &'a str,
    /// The file of today this path is, once resolved.
    today: Option<&'a str>,
    old_blob: &'a str,
    new_blob: &'a str,
}

fn root_relative<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    if prefix.is_empty() {
        Some(path)
    } else {
        path.strip_prefix(prefix)?.strip_prefix('/')
    }
}

impl History {
    /// Every commit that touched the file at `rel_path`, newest first.
    pub fn touches(&self, rel_path: &str) -> &[Touch] {
        self.files.get(rel_path).map_or(&[], Vec::as_slice)
    }

    /// The newest commit that changed the file's bytes (a pure move does not).
    pub fn last_changed(&self, rel_path: &str) -> Option<&Commit> {
        self.touches(rel_path)
            .iter()
            .find(|t| !t.kind.is_pure_move())
            .map(|t| &self.commits[t.commit])
    }

    /// For each file, the newest commit dated after its verification day that
    /// changed what the card says: not only its verification fields, not only
    /// whitespace. Additions do not count (the card arrived as it is). All
    /// blobs needed are read through one `git cat-file --batch`.
    pub fn changed_after<'a>(
        &self,
        files: impl IntoIterator<Item = (&'a str, Date)>,
    ) -> HashMap<String, &Commit> {
        let candidates: Vec<(&str, Vec<&Touch>)> = files
            .into_iter()
            .map(|(rel, verified)| {
                let touches: Vec<&Touch> = self
                    .touches(rel)
                    .iter()
                    .take_while(|t| self.commits[t.commit].date > verified)
                    .filter(|t| t.kind.edits())
                    .collect();
                (rel, touches)
            })
            .filter(|(_, touches)| !touches.is_empty())
            .collect();
        let mut meanings = self.meanings.lock().unwrap_or_else(|e| e.into_inner());
        let mut wanted: Vec<&str> = candidates
            .iter()
            .flat_map(|(_, ts)| ts.iter().flat_map(|t| [&*t.old_blob, &*t.new_blob]))
            .filter(|id| !meanings.contains_key(*id))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        if let Ok(blobs) = read_blobs(&self.top, &wanted) {
            for (id, bytes) in blobs {
                meanings.insert(id, meaning(&bytes));
            }
        }
        let mut found = HashMap::new();
        for (rel, touches) in candidates {
            // A blob git could not give (gone, or git failed) is no evidence.
            let changed = touches.into_iter().find(|t| {
                match (meanings.get(&t.old_blob), meanings.get(&t.new_blob)) {
                    (Some(old), Some(new)) => old != new,
                    _ => false,
                }
            });
            if let Some(t) = changed {
                found.insert(rel.to_owned(), &self.commits[t.commit]);
            }
        }
        found
    }
}

/// A card's words without its verification fields and without layout:
/// two versions with the same meaning say the same thing.
fn meaning(bytes: &[u8]) -> String {
    content(bytes)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A card's bytes without the lines of its verification fields: two versions
/// with the same content differ at most in who vouched for them and when.
pub fn content(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let split = front_matter::split(&text);
    let mut kept = String::with_capacity(text.len());
    if let Some(yaml) = split.yaml {
        for line in text[yaml].lines() {
            let key = line.split(':').next().unwrap_or_default();
            if !matches!(key, "verified" | "verified_by" | "last_reviewed_on") {
                kept.push_str(line);
                kept.push('\n');
            }
        }
    }
    kept.push_str(&text[split.body]);
    kept
}

/// The all-zero blob id `--raw` gives the missing side of an addition.
pub const NO_BLOB: &str = "0000000000000000000000000000000000000000";

/// Reads blobs by id with one `git cat-file --batch` process.
pub fn read_blobs(top: &Path, ids: &[&str]) -> std::io::Result<HashMap<String, Vec<u8>>> {
    let mut blobs = HashMap::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(blobs);
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let requests: String = ids.iter().map(|id| format!("{id}\n")).collect();
    // Written from a thread: git answers while we ask, and both pipes have limits.
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut header = String::new();
    for id in ids {
        header.clear();
        if stdout.read_line(&mut header)? == 0 {
            break;
        }
        // "<id> blob <size>" or "<id> missing"
        let mut parts = header.split_whitespace();
        let (Some(_), Some("blob"), Some(size)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let size: usize = size
            .parse()
            .map_err(|_| std::io::Error::other("bad cat-file header"))?;
        let mut content = vec![0; size + 1];
        stdout.read_exact(&mut content)?;
        content.pop();
        blobs.insert((*id).to_owned(), content);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(blobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, date: &str, entries: &[&str]) -> Vec<u8> {
        let mut out = format!("\x1e{id}\0{date}T10:00:00+02:00\0Ann\0\n").into_bytes();
        for e in entries {
            out.extend_from_slice(e.as_bytes());
            out.push(0);
        }
        out
    }

    const Z: &str = "0000000000000000000000000000000000000000";

    fn raw(status: &str, paths: &[&str]) -> String {
        let mut s = format!(":100644 100644 {Z} {Z} {status}");
        for p in paths {
            s.push('\0');
            s.push_str(p);
        }
        s
    }

    #[test]
    fn follows_renames_and_stops_at_additions() {
        let mut log = Vec::new();
        log.extend(record("c3", "2026-03-01", &[&raw("M", &["k/new.md"])]));
        log.extend(record(
            "c2",
            "2026-02-01",
            &[
                &raw("R090", &["k/old.md", "k/new.md"]),
                &raw("A", &["k/old.md"]),
            ],
        ));
        log.extend(record("c1", "2026-01-01", &[&raw("M", &["k/old.md"])]));
        log.extend(record("c0", "2025-12-01", &[&raw("A", &["k/old.md"])]));
        let h = parse_log(&log, "k");
        let ids = |p: &str| -> Vec<&str> {
            h.touches(p)
                .iter()
                .map(|t| h.commits[t.commit].id.as_str())
                .collect()
        };
        assert_eq!(ids("new.md"), ["c3", "c2", "c1", "c0"]);
        // The `old.md` of today was added in c2 and has nothing older.
        assert_eq!(ids("old.md"), ["c2"]);
        assert_eq!(
            h.last_changed("new.md").unwrap().date.to_string(),
            "2026-03-01"
        );
    }

    #[test]
    fn deleted_files_and_pure_moves_are_not_changes() {
        let mut log = Vec::new();
        log.extend(record(
            "c2",
            "2026-02-01",
            &[&raw("D", &["gone.md"]), &raw("R100", &["a.md", "b.md"])],
        ));
        log.extend(record(
            "c1",
            "2026-01-01",
            &[&raw("M", &["gone.md"]), &raw("M", &["a.md"])],
        ));
        let h = parse_log(&log, "");
        assert!(h.touches("gone.md").is_empty());
        assert_eq!(h.last_changed("b.md").unwrap().id, "c1");
    }

    #[test]
    fn meaning_ignores_verification_and_layout() {
        let a =
            meaning(b"---\ntitle: A\nverified: 2026-01-01\nverified_by: ann\n---\nSome  text.\n");
        let b = meaning(b"---\ntitle: A\nverified: 2026-05-01\n---\nSome text.\n\n");
        let c = meaning(b"---\ntitle: A\nverified: 2026-05-01\n---\nOther text.\n");
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
