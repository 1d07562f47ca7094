//! Writes a `git fast-import` stream giving a generated corpus a long history,
//! for the history benchmark (`bench/history.sh`):
//! `generate_history CORPUS COMMITS | git -C CORPUS fast-import`.
//!
//! The first commit adds every file; each later commit, one day apart and by
//! one of ten authors, edits one card (every hundredth one moves a card to a
//! new name). The last state of every file is what the corpus folder holds,
//! so `git reset --hard` after the import leaves the corpus as generated.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

fn files(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("read the corpus")
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == ".git" {
            continue;
        }
        let rel = format!("{prefix}{name}");
        if entry.file_type().unwrap().is_dir() {
            files(&entry.path(), &format!("{rel}/"), out);
        } else {
            out.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
}

fn data(out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    writeln!(out, "data {}", bytes.len())?;
    out.write_all(bytes)?;
    writeln!(out)
}

/// Starts a commit on `main` by one of the ten authors at `when` (seconds).
fn commit(out: &mut impl Write, author: usize, when: i64, message: &str) -> io::Result<()> {
    writeln!(out, "commit refs/heads/main")?;
    writeln!(
        out,
        "committer Author {author} <author{author}@example.com> {when} +0000"
    )?;
    data(out, message.as_bytes())
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let corpus = args.next().expect("usage: generate_history CORPUS COMMITS");
    let commits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let mut all = BTreeMap::new();
    files(Path::new(&corpus), "", &mut all);
    let cards: Vec<String> = all.keys().filter(|k| k.ends_with(".md")).cloned().collect();
    // From 2024-01-01 to 2026-11-24, evenly.
    let start: i64 = 1_704_067_200;
    let span: i64 = 1_064 * 86_400;
    let mut out = BufWriter::new(io::stdout().lock());
    // Commit n edits card n % len; the edits accumulate as extra lines, and
    // the last commit touching a card writes its final, real content.
    let last_touch: BTreeMap<usize, usize> = (1..commits).map(|n| (n % cards.len(), n)).collect();
    for n in 0..commits {
        let author = n % 10;
        let when = start + span * n as i64 / commits as i64;
        commit(&mut out, author, when, &format!("change {n}"))?;
        if n == 0 {
            for (path, bytes) in &all {
                let early = cards
                    .binary_search(path)
                    .is_ok_and(|i| last_touch.contains_key(&i));
                let content = if early {
                    [bytes.as_slice(), b"\nFirst version.\n"].concat()
                } else {
                    bytes.clone()
                };
                writeln!(out, "M 100644 inline {path}")?;
                data(&mut out, &content)?;
            }
            continue;
        }
        let i = n % cards.len();
        let path = &cards[i];
        let last = last_touch.get(&i) == Some(&n);
        let content = if last {
            all[path].clone()
        } else {
            [all[path].as_slice(), format!("\nEdit {n}.\n").as_bytes()].concat()
        };
        if n % 100 == 0 && !last {
            // Move the card away and back, so renames are followed too.
            let moved = format!("{path}.moved.md");
            writeln!(out, "R {path} {moved}")?;
            commit(&mut out, author, when, &format!("move back {n}"))?;
            writeln!(out, "R {moved} {path}")?;
        }
        writeln!(out, "M 100644 inline {path}")?;
        data(&mut out, &content)?;
    }
    out.flush()
}
