//! Atomic output: a build writes into a fresh folder beside the target and
//! swaps it in at the end, so a failed or interrupted build never leaves a
//! half-written site, and the previous site stays until the new one is whole.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use cap_std::fs::{Dir, OpenOptions, OpenOptionsExt};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum WriteError {
    #[error("cannot write {}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "`{}` exists and was not written by vouch; refusing to replace it\n  help: choose another folder with -o, or remove it yourself",
        .0.display()
    )]
    NotOurs(PathBuf),
    #[error("`{0}` would leave the output folder")]
    Escapes(String),
    #[error(
        "`{}` is a symbolic link; vouch writes its site only into a real folder\n  help: give -o the folder itself",
        .0.display()
    )]
    Symlink(PathBuf),
    #[error(
        "`{}` holds the knowledge root; writing the site there would replace it\n  help: choose a folder beside the root, such as the default `site/`",
        .0.display()
    )]
    HoldsRoot(PathBuf),
}

/// Folders a build or the dev server is writing, removed if the process is
/// interrupted (Ctrl-C, SIGTERM) before it finishes with them.
static IN_PROGRESS: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Marks `dir` for removal should the process be interrupted.
pub fn remove_if_interrupted(dir: &Path) {
    if let Ok(mut dirs) = IN_PROGRESS.lock() {
        dirs.push(dir.to_path_buf());
    }
}

/// `dir` no longer needs removing on an interruption.
pub fn done_with(dir: &Path) {
    if let Ok(mut dirs) = IN_PROGRESS.lock() {
        dirs.retain(|d| d != dir);
    }
}

/// Removes every folder still in progress: the interrupt handler's work.
pub fn clean_up_interrupted() {
    if let Ok(dirs) = IN_PROGRESS.lock() {
        for dir in dirs.iter() {
            // Other threads may still be writing into it: try until it is gone.
            for _ in 0..50 {
                match fs::remove_dir_all(dir) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => {
                        std::thread::sleep(std::time::Duration::from_millis(10));
                    }
                    _ => break,
                }
            }
        }
    }
}

/// Refuses an output folder that is the root or holds it (`-o` pointed at
/// the knowledge root, or at its parent); [`Staging::new`] refuses links.
pub fn check_output(target: &Path, root: &Path) -> Result<(), WriteError> {
    let absolute = |p: &Path| -> PathBuf {
        fs::canonicalize(p).unwrap_or_else(|_| {
            std::env::current_dir()
                .map(|cwd| cwd.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        })
    };
    let (target_abs, root_abs) = (absolute(target), absolute(root));
    if root_abs.starts_with(&target_abs) {
        return Err(WriteError::HoldsRoot(target.to_path_buf()));
    }
    Ok(())
}

/// A folder name inside its parent (`.`, `..` and separators refused).
fn one_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\0'])
}

/// Opens `name`, a folder directly inside `parent`, as a handle everything
/// below is resolved beneath; never a symbolic link.
fn open_subdir(parent: &Dir, name: &str) -> io::Result<Dir> {
    match parent.symlink_metadata(name) {
        Ok(meta) if meta.is_dir() => parent.open_dir(name),
        Ok(_) => Err(io::Error::other("it is not a folder")),
        Err(e) => Err(e),
    }
}

/// Removes `name` inside `parent`, whatever it is: a link is removed, never
/// followed; a folder goes with everything in it (its top entries in
/// parallel), resolved beneath its own handle.
fn remove_entry(parent: &Dir, name: &str) -> io::Result<()> {
    use rayon::prelude::*;
    let meta = match parent.symlink_metadata(name) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if !meta.is_dir() {
        return parent.remove_file(name);
    }
    let dir = parent.open_dir(name)?;
    let entries: Vec<(std::ffi::OsString, bool)> = dir
        .entries()?
        .filter_map(Result::ok)
        .map(|e| (e.file_name(), e.file_type().is_ok_and(|t| t.is_dir())))
        .collect();
    entries.par_iter().try_for_each(|(entry, is_dir)| {
        if *is_dir {
            dir.remove_dir_all(entry)
        } else {
            dir.remove_file(entry)
        }
    })?;
    drop(dir);
    parent.remove_dir(name)
}

/// Takes an exclusive lock on the folder `name` in `parent`, held for as
/// long as the returned handle lives: how a build says its staging folder is
/// in use. Without `wait`, `None` when another process holds it.
#[cfg(unix)]
fn lock(parent: &Dir, name: &str, wait: bool) -> Option<cap_std::fs::File> {
    use std::os::fd::AsRawFd;
    let mut options = OpenOptions::new();
    options
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW);
    let folder = parent.open_with(name, &options).ok()?;
    let mode = if wait {
        libc::LOCK_EX
    } else {
        libc::LOCK_EX | libc::LOCK_NB
    };
    // SAFETY: flock on a descriptor this handle owns; no memory is shared.
    (unsafe { libc::flock(folder.as_raw_fd(), mode) } == 0).then_some(folder)
}

#[cfg(not(unix))]
fn lock(_: &Dir, _: &str, _: bool) -> Option<cap_std::fs::File> {
    None // no lock: a leftover is never judged abandoned
}

/// Staging folders left by builds that were killed: `.NAME.vouch-tmp-…`
/// beside the target that no live build holds locked (the lock goes with
/// the process, so this is exact, whatever became of its PID).
fn remove_leftovers(parent: &Dir, name: &str) {
    let prefix = format!(".{name}.vouch-tmp-");
    let Ok(entries) = parent.entries() else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if !file_name.starts_with(&prefix) {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_dir()) && lock(parent, &file_name, false).is_some()
        {
            let _ = remove_entry(parent, &file_name);
        }
    }
}

/// Marks a folder that `vouch build` wrote: only such a folder is ever
/// replaced, and the walk never reads one back as cards.
pub const OUTPUT_MARKER: &str = ".vouch-site";

/// The error for a failure at `path`.
pub fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A folder being filled, to become `target` on [`Staging::commit`]. Dropped
/// without a commit, it removes itself.
///
/// Every path it touches is resolved beneath an open folder handle (the
/// target's parent, the staging folder, the cache folder), never through a
/// symbolic link out of it, so nothing planted in the output or the cache
/// can make a build read, write or remove anything elsewhere.
///
/// The previous site is not deleted on commit: it is kept in the cache folder
/// beside the target (`.NAME.vouch-cache/tree`, with a manifest of each
/// file's length, modification time and hash), and the next build starts from
/// that copy, writing only the files whose bytes differ and removing the ones
/// the new site no longer has. A build writes into a folder that no reader
/// sees either way, and swaps it in whole.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    /// The folder the target, the staging folder and the cache are in.
    parent: Dir,
    /// The target's name in `parent`.
    name: String,
    /// The staging folder's name in `parent`, its path and its handle
    /// (locked while the build lives).
    staging_name: String,
    dir_path: PathBuf,
    dir: Dir,
    /// The staging folder's lock, held while the build lives.
    _lock: Option<cap_std::fs::File>,
    committed: bool,
    /// The files the staging folder held when taken from the cache.
    known: HashMap<String, Stamp>,
    /// Every file of the new site, as written or kept.
    written: Mutex<Vec<(String, Stamp)>>,
    /// Folders (relative) known to exist as real folders.
    dirs: Mutex<HashSet<String>>,
}

/// What the manifest records of a file: enough to tell, without reading it,
/// that it still holds the bytes a build wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Stamp {
    len: u64,
    /// Modification time, nanoseconds since the epoch.
    mtime: i128,
    hash: u64,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    /// The program that wrote it: another version starts afresh.
    vouch: String,
    /// The folder it describes (its inode number), so a manifest never
    /// vouches for a folder that replaced the one it was written for.
    folder: u64,
    files: Vec<(String, Stamp)>,
}

const CACHE_NOTE: &str = "# vouch keeps the previous site here, so the next build writes only\n# what changed. Safe to delete; never commit it.\n*\n";

/// The most a manifest may hold: one 100,000-card site's is about 20 MB.
const MANIFEST_LIMIT: u64 = 256 << 20;

/// The hash of a file's bytes the manifest records (stable within one
/// version of vouch, which is all a manifest is trusted for).
pub fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.finish()
}

/// Identity, link count and modification time of what a handle resolved.
#[cfg(unix)]
mod stat {
    use cap_std::fs::MetadataExt;
    pub fn folder_id(meta: &cap_std::fs::Metadata) -> u64 {
        meta.ino()
    }
    pub fn links(meta: &cap_std::fs::Metadata) -> u64 {
        meta.nlink()
    }
    pub fn mtime(meta: &cap_std::fs::Metadata) -> i128 {
        i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec())
    }
}

#[cfg(not(unix))]
mod stat {
    pub fn folder_id(_: &cap_std::fs::Metadata) -> u64 {
        0 // no stable id: the cache is never trusted
    }
    pub fn links(_: &cap_std::fs::Metadata) -> u64 {
        1
    }
    pub fn mtime(_: &cap_std::fs::Metadata) -> i128 {
        0
    }
}

/// The folder `target` is in (`.` for a bare name) and its name: where its
/// staging folder and its cache go.
fn beside(target: &Path) -> (PathBuf, String) {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map_or("site".into(), |n| n.to_string_lossy().into_owned());
    (parent, name)
}

/// The name of the folder where builds of a target named `name` keep the
/// previous site, beside it.
fn cache_name(name: &str) -> String {
    format!(".{name}.vouch-cache")
}

/// Removes the folders below the top of `dir` that removing `rel` left empty.
fn remove_empty_parents(dir: &Dir, rel: &str) {
    let mut at = rel;
    while let Some((up, _)) = at.rsplit_once('/') {
        if dir.remove_dir(up).is_err() {
            break;
        }
        at = up;
    }
}

/// Opens `name` in `dir` to read, never through a link, only a regular
/// file, and reads at most `limit` bytes of it (more is an error).
fn read_bounded(dir: &Dir, name: &str, limit: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = OpenOptions::new();
    options
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    let file = dir.open_with(name, &options)?;
    let meta = file.metadata()?;
    if !meta.is_file() || meta.len() > limit {
        return Err(io::Error::other("not a regular file of a manifest's size"));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::other("larger than a manifest"));
    }
    Ok(bytes)
}

/// Makes `name` in `dir` a new regular file holding `bytes`: whatever is
/// there first (a file, a link, a FIFO) is removed, never followed or
/// written through.
fn replace_in(dir: &Dir, name: &str, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    match dir.symlink_metadata(name) {
        Ok(meta) if meta.is_dir() => remove_entry(dir, name)?,
        Ok(_) => dir.remove_file(name)?,
        Err(_) => {}
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    dir.open_with(name, &options)?.write_all(bytes)
}

/// Takes the cached previous site, if there is one that a manifest of this
/// version describes, as the staging folder `staging` in `parent`; returns
/// its files.
fn take_cached(parent: &Dir, cache: &str, staging: &str) -> Option<HashMap<String, Stamp>> {
    let cache = open_subdir(parent, cache).ok()?;
    if !cache.symlink_metadata("tree").is_ok_and(|m| m.is_dir()) {
        return None;
    }
    cache.rename("tree", parent, staging).ok()?;
    let text = read_bounded(&cache, "tree.manifest", MANIFEST_LIMIT);
    let _ = cache.remove_file("tree.manifest");
    let manifest: Manifest = serde_json::from_slice(&text.ok()?).ok()?;
    let id = parent.symlink_metadata(staging).ok()?;
    (cfg!(unix)
        && id.is_dir()
        && manifest.vouch == env!("CARGO_PKG_VERSION")
        && manifest.folder == stat::folder_id(&id))
    .then(|| manifest.files.into_iter().collect())
}

impl Staging {
    /// Starts a build of `target`. Refuses a target that exists and is neither
    /// empty nor a site vouch wrote (it holds the marker file).
    pub fn new(target: &Path) -> Result<Staging, WriteError> {
        let (parent_path, name) = beside(target);
        if !one_name(&name) {
            return Err(WriteError::Escapes(target.display().to_string()));
        }
        fs::create_dir_all(&parent_path).map_err(io_err(&parent_path))?;
        let parent = Dir::open_ambient_dir(&parent_path, cap_std::ambient_authority())
            .map_err(io_err(&parent_path))?;
        match parent.symlink_metadata(&name) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(WriteError::Symlink(target.to_path_buf()));
            }
            Ok(meta) if !meta.is_dir() || !is_ours(&parent, &name) => {
                return Err(WriteError::NotOurs(target.to_path_buf()));
            }
            _ => {}
        }
        remove_leftovers(&parent, &name);
        let staging_name = format!(".{name}.vouch-tmp-{}", std::process::id());
        let dir_path = parent_path.join(&staging_name);
        remove_entry(&parent, &staging_name).map_err(io_err(&dir_path))?;
        remove_if_interrupted(&dir_path);
        let known = match take_cached(&parent, &cache_name(&name), &staging_name) {
            Some(known) => known,
            None => {
                // A cached site no manifest vouches for.
                remove_entry(&parent, &staging_name).map_err(io_err(&dir_path))?;
                parent
                    .create_dir(&staging_name)
                    .map_err(io_err(&dir_path))?;
                HashMap::new()
            }
        };
        let dir = open_subdir(&parent, &staging_name).map_err(io_err(&dir_path))?;
        // Held until the build ends: a later build sees the folder in use.
        let lock = lock(&parent, &staging_name, true);
        let staging = Staging {
            target: target.to_path_buf(),
            parent,
            name,
            staging_name,
            dir_path,
            dir,
            _lock: lock,
            committed: false,
            known,
            written: Mutex::new(Vec::new()),
            dirs: Mutex::new(HashSet::new()),
        };
        staging.write(
            OUTPUT_MARKER,
            b"This folder is written by `vouch build`; it is replaced on every build.\n",
        )?;
        Ok(staging)
    }

    /// Creates folders (`/`-separated paths) ahead of [`Staging::write_in`];
    /// on slow filesystems one `mkdir` per folder, not per file, matters.
    pub fn create_dirs<'a>(
        &self,
        dirs: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), WriteError> {
        let mut dirs: Vec<&str> = dirs.into_iter().collect();
        dirs.sort_unstable();
        dirs.dedup();
        for dir in dirs {
            check_rel(dir)?;
            self.make_dirs(dir)?;
        }
        Ok(())
    }

    /// Writes `rel` into a folder made by [`Staging::create_dirs`].
    pub fn write_in(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        check_rel(rel)?;
        self.put(rel, bytes)
    }

    /// Writes `rel` (a `/`-separated path) inside the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        check_rel(rel)?;
        if let Some((parent, _)) = rel.rsplit_once('/') {
            self.make_dirs(parent)?;
        }
        self.put(rel, bytes)
    }

    /// The error for `rel`, its path made only when there is one.
    fn err<'s>(&'s self, rel: &'s str) -> impl FnOnce(io::Error) -> WriteError + 's {
        move |source| WriteError::Io {
            path: self.dir_path.join(rel),
            source,
        }
    }

    /// Makes `rel` hold `bytes`: kept as it is when the cached copy already
    /// does (same length, hash and modification time as its manifest says),
    /// written otherwise. Whatever the cache holds at `rel` that is not a
    /// plain file of its own (a link, a folder, a file with other names) is
    /// removed first, so nothing is ever written through it.
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        use std::io::Write;
        let hash = content_hash(bytes);
        let mut stamp = None;
        if let Some(old) = self.known.get(rel) {
            match self.dir.symlink_metadata(rel) {
                Ok(meta)
                    if meta.is_file()
                        && stat::links(&meta) == 1
                        && meta.len() == old.len
                        && old.len == bytes.len() as u64
                        && old.hash == hash
                        && stat::mtime(&meta) == old.mtime =>
                {
                    stamp = Some(*old);
                }
                Ok(meta) if meta.is_file() && stat::links(&meta) == 1 => {}
                Ok(_) => remove_entry(&self.dir, rel).map_err(self.err(rel))?,
                Err(_) => {}
            }
        }
        let stamp = match stamp {
            Some(stamp) => stamp,
            None => {
                let mut options = OpenOptions::new();
                options
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
                let mut file = match self.dir.open_with(rel, &options) {
                    Ok(file) => file,
                    // A link or something else in the way (only a cached
                    // tree can hold one): removed, then made anew.
                    Err(_) => {
                        remove_entry(&self.dir, rel).map_err(self.err(rel))?;
                        self.dir.open_with(rel, &options).map_err(self.err(rel))?
                    }
                };
                file.write_all(bytes).map_err(self.err(rel))?;
                let meta = file.metadata().map_err(self.err(rel))?;
                Stamp {
                    len: bytes.len() as u64,
                    mtime: stat::mtime(&meta),
                    hash,
                }
            }
        };
        if let Ok(mut written) = self.written.lock() {
            written.push((rel.to_owned(), stamp));
        }
        Ok(())
    }

    /// Creates the folders of `rel` below the staging folder, never the
    /// staging folder itself: once an interrupted build removed it, no
    /// thread still writing can bring it back.
    fn make_dirs(&self, rel: &str) -> Result<(), WriteError> {
        let mut end = 0;
        while end < rel.len() {
            end = rel[end..].find('/').map_or(rel.len(), |i| end + i);
            let at = &rel[..end];
            end += 1;
            if self.dirs.lock().is_ok_and(|d| d.contains(at)) {
                continue;
            }
            match self.dir.create_dir(at) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    // From the cached site: a real folder, or made one.
                    let meta = self.dir.symlink_metadata(at).map_err(self.err(at))?;
                    if !meta.is_dir() {
                        self.dir.remove_file(at).map_err(self.err(at))?;
                        self.dir.create_dir(at).map_err(self.err(at))?;
                    }
                }
                Err(e) => return Err(self.err(at)(e)),
            }
            if let Ok(mut dirs) = self.dirs.lock() {
                dirs.insert(at.to_owned());
            }
        }
        Ok(())
    }

    /// Removes the cached site's files that the new site does not have, and
    /// the folders that leaves empty.
    fn remove_unwritten(&self, written: &HashSet<&str>) -> Result<(), WriteError> {
        let mut gone: Vec<&String> = self
            .known
            .keys()
            .filter(|k| !written.contains(k.as_str()))
            .collect();
        gone.sort_unstable();
        for rel in gone {
            check_rel(rel)?;
            if self.dir.symlink_metadata(rel).is_err() {
                continue;
            }
            remove_entry(&self.dir, rel).map_err(self.err(rel))?;
            remove_empty_parents(&self.dir, rel);
        }
        Ok(())
    }

    /// Swaps the finished folder in for the target; the previous site moves
    /// to the cache folder, where the next build starts from it.
    pub fn commit(mut self) -> Result<(), WriteError> {
        let mut files = std::mem::take(&mut *self.written.lock().map_err(|_| WriteError::Io {
            path: self.dir_path.clone(),
            source: io::Error::other("a writer panicked"),
        })?);
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        files.dedup_by(|a, b| a.0 == b.0);
        {
            let names: HashSet<&str> = files.iter().map(|(k, _)| k.as_str()).collect();
            self.remove_unwritten(&names)?;
        }
        let cache_name = cache_name(&self.name);
        let cache_path = self.dir_path.with_file_name(&cache_name);
        let cache_err = |e| io_err(&cache_path)(e);
        let had_target = self.parent.symlink_metadata(&self.name).is_ok();
        if !self
            .parent
            .symlink_metadata(&cache_name)
            .is_ok_and(|m| m.is_dir())
        {
            // A link or a file where the cache belongs: replaced, never followed.
            remove_entry(&self.parent, &cache_name).map_err(cache_err)?;
            self.parent.create_dir(&cache_name).map_err(cache_err)?;
        }
        let cache = open_subdir(&self.parent, &cache_name).map_err(cache_err)?;
        if had_target {
            remove_entry(&cache, "tree").map_err(cache_err)?;
            self.parent
                .rename(&self.name, &cache, "tree")
                .map_err(io_err(&self.target))?;
        }
        if let Err(source) = self
            .parent
            .rename(&self.staging_name, &self.parent, &self.name)
        {
            // Put the previous site back before reporting.
            if had_target {
                let _ = cache.rename("tree", &self.parent, &self.name);
            }
            return Err(WriteError::Io {
                path: self.target.clone(),
                source,
            });
        }
        self.committed = true;
        done_with(&self.dir_path);
        // The manifest of the site just replaced now describes the cached
        // tree; the new site's is written for the build after next.
        if had_target
            && cache
                .symlink_metadata("live.manifest")
                .is_ok_and(|m| m.is_file())
        {
            let _ = cache.rename("live.manifest", &cache, "tree.manifest");
        } else {
            let _ = remove_entry(&cache, "tree.manifest");
        }
        let folder = self
            .parent
            .symlink_metadata(&self.name)
            .map(|m| stat::folder_id(&m))
            .unwrap_or(0);
        let manifest = Manifest {
            vouch: env!("CARGO_PKG_VERSION").to_owned(),
            folder,
            files,
        };
        let _ = replace_in(&cache, ".gitignore", CACHE_NOTE.as_bytes());
        let _ = replace_in(
            &cache,
            "live.manifest",
            &serde_json::to_vec(&manifest).unwrap_or_default(),
        );
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_entry(&self.parent, &self.staging_name);
            done_with(&self.dir_path);
        }
    }
}

/// A site folder updated in place, file by file, for `vouch serve`'s
/// incremental rebuilds: each file is written beside itself and renamed over
/// the old one, so a reader never sees half a file. Every path is resolved
/// beneath the folder's handle. It remembers what it wrote (the folder is
/// vouch's own), so a file it wrote before with the same bytes is kept
/// without being read again.
#[derive(Debug)]
pub struct LiveDir {
    path: PathBuf,
    dir: Dir,
    /// The hash of what this folder was last given at each path.
    written: Mutex<HashMap<String, u64>>,
}

impl LiveDir {
    /// A folder a previous build wrote (it holds the marker file), never a
    /// symbolic link.
    pub fn open(path: &Path) -> Result<LiveDir, WriteError> {
        if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(WriteError::Symlink(path.to_path_buf()));
        }
        let dir = Dir::open_ambient_dir(path, cap_std::ambient_authority())
            .map_err(|_| WriteError::NotOurs(path.to_path_buf()))?;
        if !dir
            .symlink_metadata(OUTPUT_MARKER)
            .is_ok_and(|m| m.is_file())
        {
            return Err(WriteError::NotOurs(path.to_path_buf()));
        }
        Ok(LiveDir {
            path: path.to_path_buf(),
            dir,
            written: Mutex::default(),
        })
    }

    /// Writes `rel` unless it already holds exactly `bytes` (as this folder
    /// last wrote it, or as it reads); returns whether it wrote.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<bool, WriteError> {
        use std::io::Write;
        check_rel(rel)?;
        let err = |e| io_err(&self.path.join(rel))(e);
        let hash = content_hash(bytes);
        let written = || self.written.lock().unwrap_or_else(|e| e.into_inner());
        if written().get(rel) == Some(&hash) {
            return Ok(false);
        }
        let same = read_bounded(&self.dir, rel, bytes.len() as u64).is_ok_and(|old| old == bytes);
        if !same {
            let (folder, name) = match rel.rsplit_once('/') {
                Some((folder, name)) => {
                    self.dir.create_dir_all(folder).map_err(err)?;
                    (format!("{folder}/"), name)
                }
                None => (String::new(), rel),
            };
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            let (temp, mut file) = create_temp(name, |temp| {
                let temp = format!("{folder}{temp}");
                self.dir.open_with(&temp, &options).map(|f| (temp, f))
            })
            .map_err(err)?;
            if let Err(e) = file.write_all(bytes) {
                let _ = self.dir.remove_file(&temp);
                return Err(err(e));
            }
            if let Err(e) = self.dir.rename(&temp, &self.dir, rel) {
                let _ = self.dir.remove_file(&temp);
                return Err(err(e));
            }
        }
        written().insert(rel.to_owned(), hash);
        Ok(!same)
    }

    /// Removes `rel` (a file the site no longer has) and the folders it
    /// leaves empty; returns whether there was such a file.
    pub fn remove(&self, rel: &str) -> Result<bool, WriteError> {
        check_rel(rel)?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(rel);
        match self.dir.remove_file(rel) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(io_err(&self.path.join(rel))(e)),
        }
        remove_empty_parents(&self.dir, rel);
        Ok(true)
    }
}

/// Refuses a `/`-separated `rel` that is empty or could leave its folder
/// (`..`, absolute, empty parts, a NUL).
fn check_rel(rel: &str) -> Result<(), WriteError> {
    let safe = !rel.is_empty()
        && !rel.as_bytes().contains(&0)
        && rel
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    if safe {
        Ok(())
    } else {
        Err(WriteError::Escapes(rel.to_owned()))
    }
}

/// A site vouch wrote (it holds the marker file, not a link to one), or an
/// empty folder.
fn is_ours(parent: &Dir, name: &str) -> bool {
    let Ok(dir) = open_subdir(parent, name) else {
        return false;
    };
    dir.symlink_metadata(OUTPUT_MARKER)
        .is_ok_and(|m| m.is_file())
        || dir.entries().is_ok_and(|mut d| d.next().is_none())
}

/// A name for a temporary file beside `name` that no one can guess ahead:
/// the process, the clock and a counter.
fn temp_name(name: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mix = nanos ^ (u64::from(std::process::id()) << 32) ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!(".{name}.{mix:016x}.vouch-tmp")
}

/// Creates a new temporary file beside `path` (exclusively: never an
/// existing file, never through a symbolic link) holding `bytes`.
fn write_temp(
    path: &Path,
    bytes: &[u8],
    permissions: Option<fs::Permissions>,
) -> io::Result<PathBuf> {
    use std::io::Write;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (temp, mut file) = create_temp(&name, |temp| {
        let temp = path.with_file_name(temp);
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map(|f| (temp, f))
    })?;
    let written = file
        .write_all(bytes)
        .and_then(|()| match &permissions {
            Some(p) => file.set_permissions(p.clone()),
            None => Ok(()),
        })
        .and_then(|()| file.sync_data());
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    Ok(temp)
}

/// Creates a temporary file beside `name` with `create` (which must create
/// exclusively), trying new unguessable names while one is taken.
fn create_temp<T>(name: &str, mut create: impl FnMut(&str) -> io::Result<T>) -> io::Result<T> {
    let mut tries = 0;
    loop {
        match create(&temp_name(name)) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 16 => tries += 1,
            done => return done,
        }
    }
}

/// Replaces the file at `path` with `bytes`, atomically: a new temporary
/// file beside it (created exclusively, with the file's permissions) is
/// renamed over it, so a crash leaves the old file or the new one, never half
/// of either. A symbolic link is not replaced (that would turn the linked
/// card into a copy, or write wherever the link points), nor a read-only file.
pub fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let permissions = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(io::Error::other(
                "it is a symbolic link; vouch edits only regular files",
            ));
        }
        Ok(meta) if !meta.is_file() => {
            return Err(io::Error::other("it is not a regular file"));
        }
        #[cfg(unix)]
        Ok(meta) if std::os::unix::fs::MetadataExt::nlink(&meta) > 1 => {
            // Replacing it would give this name new text and leave the
            // others the old: one card would become two that disagree.
            return Err(io::Error::other(format!(
                "it has {} names (hard links); vouch edits only a file with one name, so that all of them keep saying the same",
                std::os::unix::fs::MetadataExt::nlink(&meta)
            )));
        }
        Ok(meta) if meta.permissions().readonly() => {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "it is read-only",
            ));
        }
        Ok(meta) => Some(meta.permissions()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let temp = write_temp(path, bytes, permissions)?;
    fs::rename(&temp, path).inspect_err(|_| {
        let _ = fs::remove_file(&temp);
    })
}

/// Creates the file `path` holding `bytes`; never replaces or follows
/// anything that is already there (a file, a dangling symbolic link).
pub fn create_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)
}

/// `root/rel`, with every folder on the way created, once it is sure that
/// no part of the way is a symbolic link: a write there stays inside `root`.
pub fn path_within(root: &Path, rel: &str) -> io::Result<PathBuf> {
    let rel_path = Path::new(rel);
    if rel.is_empty()
        || !rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(io::Error::other(format!(
            "`{rel}` is not a path inside the root"
        )));
    }
    let mut at = root.to_path_buf();
    let parts: Vec<_> = rel_path.components().collect();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let last = i + 1 == parts.len();
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(io::Error::other(format!(
                    "{} is a symbolic link; vouch writes nothing through one",
                    at.display()
                )));
            }
            Ok(meta) if !last && !meta.is_dir() => {
                return Err(io::Error::other(format!(
                    "{} is not a folder",
                    at.display()
                )));
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound && !last => fs::create_dir(&at)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_staging_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::new(&tmp.path().join("site")).unwrap();
        for bad in ["../x", "/etc/passwd", "a/../../b", ""] {
            assert!(
                matches!(staging.write(bad, b"x"), Err(WriteError::Escapes(_))),
                "{bad}"
            );
        }
        staging.write("a/b/c.html", b"ok").unwrap();
    }

    #[test]
    fn a_folder_vouch_did_not_write_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("docs");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("precious.txt"), "keep me").unwrap();
        assert!(matches!(Staging::new(&target), Err(WriteError::NotOurs(_))));
        assert_eq!(
            fs::read_to_string(target.join("precious.txt")).unwrap(),
            "keep me"
        );
    }

    #[test]
    fn an_uncommitted_build_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("site");
        {
            let staging = Staging::new(&target).unwrap();
            staging.write("index.html", b"half").unwrap();
        }
        assert!(!target.exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
