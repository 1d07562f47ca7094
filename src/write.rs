//! Atomic output: a build writes into a fresh folder beside the target and
//! swaps it in at the end, so a failed or interrupted build never leaves a
//! half-written site, and the previous site stays until the new one is whole.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

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

/// Staging folders and swapped-out sites left by builds that were killed:
/// `.NAME.vouch-tmp-PID` and `.NAME.vouch-tmp-PID.old` beside the target
/// whose process is gone.
fn remove_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}.vouch-tmp-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let Ok(pid) = rest.trim_end_matches(".old").parse::<u32>() else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
        if !alive && cfg!(target_os = "linux") && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Marks a folder that `vouch build` wrote: only such a folder is ever
/// replaced, and the walk never reads one back as cards.
pub const OUTPUT_MARKER: &str = ".vouch-site";

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A folder being filled, to become `target` on [`Staging::commit`]. Dropped
/// without a commit, it removes itself.
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
    dir: PathBuf,
    committed: bool,
    /// The files the staging folder held when taken from the cache.
    known: HashMap<String, Stamp>,
    /// Every file of the new site, as written or kept.
    written: Mutex<Vec<(String, Stamp)>>,
    /// Folders known to exist as real folders.
    dirs: Mutex<HashSet<PathBuf>>,
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

/// The hash of a file's bytes the manifest records (stable within one
/// version of vouch, which is all a manifest is trusted for).
pub fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.finish()
}

#[cfg(unix)]
fn folder_id(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn folder_id(_: &fs::Metadata) -> u64 {
    0 // no stable id: the cache is never trusted
}

#[cfg(unix)]
fn links(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn links(_: &fs::Metadata) -> u64 {
    1
}

fn mtime_of(meta: &fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
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

/// The folder where builds of `target` keep the previous site.
pub fn cache_folder(target: &Path) -> PathBuf {
    let (parent, name) = beside(target);
    parent.join(format!(".{name}.vouch-cache"))
}

/// Removes the folders below `top` that removing `path` left empty.
fn remove_empty_parents(path: &Path, top: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == top || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Takes the cached previous site, if there is one that a manifest of this
/// version describes, as the staging folder `dir`; returns its files.
fn take_cached(cache: &Path, dir: &Path) -> Option<HashMap<String, Stamp>> {
    if !fs::symlink_metadata(cache).is_ok_and(|m| m.is_dir()) {
        return None;
    }
    let tree = cache.join("tree");
    if !fs::symlink_metadata(&tree).is_ok_and(|m| m.is_dir()) {
        return None;
    }
    fs::rename(&tree, dir).ok()?;
    let manifest = cache.join("tree.manifest");
    let text = fs::read(&manifest).ok();
    let _ = fs::remove_file(&manifest);
    let manifest: Manifest = serde_json::from_slice(&text?).ok()?;
    let id = fs::symlink_metadata(dir).map(|m| folder_id(&m)).ok()?;
    (cfg!(unix) && manifest.vouch == env!("CARGO_PKG_VERSION") && manifest.folder == id)
        .then(|| manifest.files.into_iter().collect())
}

impl Staging {
    /// Starts a build of `target`. Refuses a target that exists and is neither
    /// empty nor a site vouch wrote (it holds the marker file).
    pub fn new(target: &Path) -> Result<Staging, WriteError> {
        if fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(WriteError::Symlink(target.to_path_buf()));
        }
        if target.exists() && !is_ours(target) {
            return Err(WriteError::NotOurs(target.to_path_buf()));
        }
        let (parent, name) = beside(target);
        fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        remove_leftovers(&parent, &name);
        let dir = parent.join(format!(".{name}.vouch-tmp-{}", std::process::id()));
        if fs::symlink_metadata(&dir).is_ok() {
            fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
        }
        remove_if_interrupted(&dir);
        let known = match take_cached(&cache_folder(target), &dir) {
            Some(known) => known,
            None => {
                if fs::symlink_metadata(&dir).is_ok() {
                    remove_tree(&dir)?; // a cached site no manifest vouches for
                }
                fs::create_dir(&dir).map_err(io_err(&dir))?;
                HashMap::new()
            }
        };
        let staging = Staging {
            target: target.to_path_buf(),
            dirs: Mutex::new(HashSet::from([dir.clone()])),
            dir,
            committed: false,
            known,
            written: Mutex::new(Vec::new()),
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
            let path = self.path_of(dir)?;
            self.make_dirs(&path)?;
        }
        Ok(())
    }

    /// Writes `rel` into a folder made by [`Staging::create_dirs`].
    pub fn write_in(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.path_of(rel)?;
        self.put(rel, &path, bytes)
    }

    /// Writes `rel` (a `/`-separated path) inside the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.path_of(rel)?;
        if let Some(parent) = path.parent() {
            self.make_dirs(parent)?;
        }
        self.put(rel, &path, bytes)
    }

    /// Copies the file `from` to `rel`.
    pub fn copy(&self, from: &Path, rel: &str) -> Result<(), WriteError> {
        let bytes = fs::read(from).map_err(io_err(from))?;
        self.write(rel, &bytes)
    }

    /// Makes `path` hold `bytes`: kept as it is when the cached copy already
    /// does (same length, hash and modification time as its manifest says),
    /// written otherwise. Whatever the cache holds at `path` that is not a
    /// plain file of its own (a link, a folder, a file with other names) is
    /// removed first, so nothing is ever written through it.
    fn put(&self, rel: &str, path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
        let hash = content_hash(bytes);
        let mut stamp = None;
        if let Some(old) = self.known.get(rel) {
            match fs::symlink_metadata(path) {
                Ok(meta)
                    if meta.file_type().is_file()
                        && links(&meta) == 1
                        && meta.len() == old.len
                        && old.len == bytes.len() as u64
                        && old.hash == hash
                        && mtime_of(&meta) == old.mtime =>
                {
                    stamp = Some(*old);
                }
                Ok(meta) if meta.is_dir() => fs::remove_dir_all(path).map_err(io_err(path))?,
                Ok(meta) if !meta.file_type().is_file() || links(&meta) != 1 => {
                    fs::remove_file(path).map_err(io_err(path))?;
                }
                _ => {}
            }
        }
        let stamp = match stamp {
            Some(stamp) => stamp,
            None => {
                use std::io::Write;
                let mut file = fs::File::create(path).map_err(io_err(path))?;
                file.write_all(bytes).map_err(io_err(path))?;
                let meta = file.metadata().map_err(io_err(path))?;
                Stamp {
                    len: bytes.len() as u64,
                    mtime: mtime_of(&meta),
                    hash,
                }
            }
        };
        if let Ok(mut written) = self.written.lock() {
            written.push((rel.to_owned(), stamp));
        }
        Ok(())
    }

    fn path_of(&self, rel: &str) -> Result<PathBuf, WriteError> {
        safe_join(&self.dir, rel)
    }

    /// Creates the folders of `path` below the staging folder, never the
    /// staging folder itself: once an interrupted build removed it, no
    /// thread still writing can bring it back.
    fn make_dirs(&self, path: &Path) -> Result<(), WriteError> {
        let Ok(below) = path.strip_prefix(&self.dir) else {
            return Err(WriteError::Escapes(path.display().to_string()));
        };
        let mut at = self.dir.clone();
        for part in below.components() {
            at.push(part);
            if self.dirs.lock().is_ok_and(|d| d.contains(&at)) {
                continue;
            }
            match fs::create_dir(&at) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    // From the cached site: a real folder, or made one.
                    let meta = fs::symlink_metadata(&at).map_err(io_err(&at))?;
                    if !meta.is_dir() {
                        fs::remove_file(&at).map_err(io_err(&at))?;
                        fs::create_dir(&at).map_err(io_err(&at))?;
                    }
                }
                Err(e) => return Err(io_err(&at)(e)),
            }
            if let Ok(mut dirs) = self.dirs.lock() {
                dirs.insert(at.clone());
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
            let path = self.path_of(rel)?;
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => fs::remove_dir_all(&path).map_err(io_err(&path))?,
                Ok(_) => fs::remove_file(&path).map_err(io_err(&path))?,
                Err(_) => continue,
            }
            remove_empty_parents(&path, &self.dir);
        }
        Ok(())
    }

    /// Swaps the finished folder in for the target; the previous site moves
    /// to the cache folder, where the next build starts from it.
    pub fn commit(mut self) -> Result<(), WriteError> {
        let mut files = std::mem::take(&mut *self.written.lock().map_err(|_| WriteError::Io {
            path: self.dir.clone(),
            source: io::Error::other("a writer panicked"),
        })?);
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        files.dedup_by(|a, b| a.0 == b.0);
        {
            let names: HashSet<&str> = files.iter().map(|(k, _)| k.as_str()).collect();
            self.remove_unwritten(&names)?;
        }
        let cache = cache_folder(&self.target);
        let tree = cache.join("tree");
        let had_target = fs::symlink_metadata(&self.target).is_ok();
        if had_target {
            match fs::symlink_metadata(&cache) {
                Ok(meta) if meta.is_dir() => {
                    if fs::symlink_metadata(&tree).is_ok() {
                        remove_tree(&tree)?;
                    }
                }
                Ok(_) => {
                    // A link or a file where the cache belongs: replaced, never followed.
                    fs::remove_file(&cache).map_err(io_err(&cache))?;
                    fs::create_dir(&cache).map_err(io_err(&cache))?;
                }
                Err(_) => fs::create_dir(&cache).map_err(io_err(&cache))?,
            }
            fs::rename(&self.target, &tree).map_err(io_err(&self.target))?;
        }
        if let Err(source) = fs::rename(&self.dir, &self.target) {
            // Put the previous site back before reporting.
            if had_target {
                let _ = fs::rename(&tree, &self.target);
            }
            return Err(WriteError::Io {
                path: self.target.clone(),
                source,
            });
        }
        self.committed = true;
        done_with(&self.dir);
        // The manifest of the site just replaced now describes the cached
        // tree; the new site's is written for the build after next.
        let live = cache.join("live.manifest");
        if had_target {
            let _ = fs::rename(&live, cache.join("tree.manifest"));
        }
        if fs::symlink_metadata(&cache).is_ok_and(|m| m.is_dir()) || fs::create_dir(&cache).is_ok()
        {
            let folder = fs::symlink_metadata(&self.target)
                .map(|m| folder_id(&m))
                .unwrap_or(0);
            let manifest = Manifest {
                vouch: env!("CARGO_PKG_VERSION").to_owned(),
                folder,
                files,
            };
            let _ = fs::write(cache.join(".gitignore"), CACHE_NOTE);
            let _ = fs::write(&live, serde_json::to_vec(&manifest).unwrap_or_default());
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
            done_with(&self.dir);
        }
    }
}

/// A site folder updated in place, file by file, for `vouch serve`'s
/// incremental rebuilds: each file is written beside itself and renamed over
/// the old one, so a reader never sees half a file. It remembers what it
/// wrote (the folder is vouch's own), so a file it wrote before with the same
/// bytes is kept without being read again.
#[derive(Debug)]
pub struct LiveDir {
    dir: PathBuf,
    /// The hash of what this folder was last given at each path.
    written: Mutex<HashMap<String, u64>>,
}

impl LiveDir {
    /// A folder a previous build wrote (it holds the marker file).
    pub fn open(dir: &Path) -> Result<LiveDir, WriteError> {
        if !dir.join(OUTPUT_MARKER).is_file() {
            return Err(WriteError::NotOurs(dir.to_path_buf()));
        }
        Ok(LiveDir {
            dir: dir.to_path_buf(),
            written: Mutex::default(),
        })
    }

    /// Writes `rel` unless it already holds exactly `bytes` (as this folder
    /// last wrote it, or as it reads); returns whether it wrote.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<bool, WriteError> {
        let path = safe_join(&self.dir, rel)?;
        let hash = content_hash(bytes);
        let written = || self.written.lock().unwrap_or_else(|e| e.into_inner());
        if written().get(rel) == Some(&hash) {
            return Ok(false);
        }
        let same = fs::read(&path).is_ok_and(|old| old == bytes);
        if !same {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(io_err(parent))?;
            }
            let temp = write_temp(&path, bytes, None).map_err(io_err(&path))?;
            fs::rename(&temp, &path).map_err(io_err(&path))?;
        }
        written().insert(rel.to_owned(), hash);
        Ok(!same)
    }

    /// Removes `rel` (a file the site no longer has) and the folders it
    /// leaves empty; returns whether there was such a file.
    pub fn remove(&self, rel: &str) -> Result<bool, WriteError> {
        let path = safe_join(&self.dir, rel)?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(rel);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(io_err(&path)(e)),
        }
        remove_empty_parents(&path, &self.dir);
        Ok(true)
    }
}

/// `dir/rel` for a `/`-separated `rel` that cannot leave `dir`.
fn safe_join(dir: &Path, rel: &str) -> Result<PathBuf, WriteError> {
    let rel_path = Path::new(rel);
    let safe = !rel.is_empty()
        && rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if safe {
        Ok(dir.join(rel_path))
    } else {
        Err(WriteError::Escapes(rel.to_owned()))
    }
}

/// Removes a previous site, its top-level entries in parallel.
fn remove_tree(dir: &Path) -> Result<(), WriteError> {
    use rayon::prelude::*;
    let entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(io_err(dir))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.par_iter().try_for_each(|path| {
        let removed = if path.is_dir() && !path.is_symlink() {
            fs::remove_dir_all(path)
        } else {
            fs::remove_file(path)
        };
        removed.map_err(io_err(path))
    })?;
    fs::remove_dir(dir).map_err(io_err(dir))
}

fn is_ours(target: &Path) -> bool {
    target.join(OUTPUT_MARKER).is_file()
        || fs::read_dir(target).is_ok_and(|mut d| d.next().is_none())
}

/// Replaces (or creates) one file atomically: a hidden sibling is written,
/// given the old file's permissions, and renamed over it, so a reader or a
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
    let mut tries = 0;
    loop {
        let temp = path.with_file_name(temp_name(&name));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(mut file) => {
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
                return Ok(temp);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 16 => tries += 1,
            Err(e) => return Err(e),
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
