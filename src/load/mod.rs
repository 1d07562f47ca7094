//! Loading a knowledge root: find it, read its configuration, walk its cards.
//! Loading never stops at a bad file; every problem becomes a diagnostic.

mod walk;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use thiserror::Error;

use cap_std::fs::Dir;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Dialect;
use crate::model::card::{self, Card};
use crate::model::collection::Collection;
use crate::model::config::Config;
use crate::model::fields::Reporter;
use crate::model::owners::Registry;
use crate::model::template::{Template, Templates};
use crate::source::SourceText;
use crate::yaml::{self, Node};

pub use walk::CardPath;

/// Problems that stop a command before any card is read (exit status 2).
#[derive(Debug, Error)]
pub enum LoadError {
    #[error("knowledge root `{}` does not exist", .0.display())]
    RootMissing(PathBuf),
    #[error("knowledge root `{}` is not a folder", .0.display())]
    RootNotDir(PathBuf),
    #[error("cannot read knowledge root `{}`: {source}", .path.display())]
    RootUnreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "no vouch.yaml here or above: no knowledge root (vouch.yaml, knowledge/vouch.yaml or a tech-docs-gem repository) from this folder up to the repository's top\n  help: run `vouch init` to make one, or name the root: `vouch check path/to/root`"
    )]
    NoRoot,
    #[error(
        "`{}` is not a knowledge root: it holds no vouch.yaml{}\n  help: {}",
        .path.display(),
        .skipped,
        .help
    )]
    NotRoot {
        path: PathBuf,
        /// What vouch would have read there, in words (may be empty).
        skipped: String,
        help: String,
    },
}

/// The knowledge root: the given path as it is; else, walking up from the
/// working folder as git and cargo do, the first folder that holds
/// `vouch.yaml` or `knowledge/vouch.yaml`, or is a tech-docs-gem
/// repository. The walk stops at the repository's top (a folder holding
/// `.git`) and never enters a folder of `GIT_CEILING_DIRECTORIES`.
pub fn find_root(given: Option<&Path>) -> Result<PathBuf, LoadError> {
    let root = match given {
        Some(path) => path.to_path_buf(),
        None => find_upward()?,
    };
    match fs::metadata(&root) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(LoadError::RootNotDir(root)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(LoadError::RootMissing(root));
        }
        Err(source) => return Err(LoadError::RootUnreadable { path: root, source }),
    }
    if let Some(source) = tech_docs_source(&root) {
        return Ok(source);
    }
    // A vouch.yaml that cannot be read still marks the root (loading
    // reports it).
    if fs::symlink_metadata(root.join("vouch.yaml")).is_ok()
        || dialect_of(&clean_root(&root)) == Dialect::TechDocs
    {
        return Ok(root);
    }
    if fs::symlink_metadata(root.join("knowledge/vouch.yaml")).is_ok() {
        return Ok(root.join("knowledge"));
    }
    Err(not_a_root(root))
}

/// Why a folder named as the root is not one, and what to do.
fn not_a_root(path: PathBuf) -> LoadError {
    let markdown = fs::read_dir(&path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().to_lowercase();
                    name.ends_with(".md") || name.ends_with(".mdx") || name.ends_with(".markdown")
                })
                .count()
        })
        .unwrap_or(0);
    let skipped = match markdown {
        0 => String::new(),
        n => format!(
            " (it has {n} Markdown file{} at its top)",
            if n == 1 { "" } else { "s" }
        ),
    };
    let above = fs::canonicalize(&path).ok().and_then(|abs| {
        abs.ancestors()
            .skip(1)
            .find(|dir| dir.join("vouch.yaml").is_file())
            .map(Path::to_path_buf)
    });
    let help = match above {
        Some(root) => format!(
            "it is inside the knowledge root `{}`: check that one (`vouch check {}`), or run `vouch init {}` to make this folder a root of its own",
            root.display(),
            root.display(),
            path.display()
        ),
        None => format!(
            "run `vouch init {}` to make it one (an empty vouch.yaml is enough: every setting has a default)",
            path.display()
        ),
    };
    LoadError::NotRoot {
        path,
        skipped,
        help,
    }
}

/// The nearest folder above `card` that holds `vouch.yaml`.
pub fn root_of_file(card: &Path) -> Option<PathBuf> {
    let absolute = fs::canonicalize(card).ok()?;
    let found = absolute
        .ancestors()
        .skip(1)
        .find(|dir| dir.join("vouch.yaml").is_file())?;
    // Keep paths relative to the working folder when the root is below it.
    let cwd = std::env::current_dir().ok()?;
    Some(
        found
            .strip_prefix(&cwd)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| found.to_path_buf()),
    )
    .map(|p| {
        if p.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            p
        }
    })
}

fn find_upward() -> Result<PathBuf, LoadError> {
    let here = std::env::current_dir().map_err(|source| LoadError::RootUnreadable {
        path: PathBuf::from("."),
        source,
    })?;
    let ceilings: Vec<PathBuf> = std::env::var_os("GIT_CEILING_DIRECTORIES")
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default();
    for (depth, dir) in here.ancestors().enumerate() {
        if depth > 0 && ceilings.iter().any(|c| c == dir) {
            break;
        }
        let up = if depth == 0 {
            PathBuf::from(".")
        } else {
            std::iter::repeat_n("..", depth).collect()
        };
        if dir.join("vouch.yaml").is_file() {
            return Ok(up);
        }
        if dir.join("knowledge/vouch.yaml").is_file() {
            return Ok(if depth == 0 {
                PathBuf::from("knowledge")
            } else {
                up.join("knowledge")
            });
        }
        if tech_docs_source(dir).is_some() {
            return Ok(up);
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    Err(LoadError::NoRoot)
}

/// A tech-docs-gem repository (pages under `source/`, and
/// `config/tech-docs.yml`, or neither `vouch.yaml` nor other Markdown at the
/// top) is checked from its `source/` folder, so card ids and links match
/// the gem's site. A `vouch.yaml` beside `config/` sets vouch's policy for it.
fn tech_docs_source(root: &Path) -> Option<PathBuf> {
    if !root.join("source").is_dir() || root.join("source/vouch.yaml").is_file() {
        return None;
    }
    let configured = root.join("config/tech-docs.yml").is_file();
    if !configured && root.join("vouch.yaml").is_file() {
        return None;
    }
    let loose_markdown = fs::read_dir(root)
        .ok()?
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().ends_with(".html.md"));
    (configured || !loose_markdown).then(|| root.join("source"))
}

/// A root without vouch.yaml that is a tech-docs-gem repository's `source/`:
/// the folder `find_root` picks in that repository.
fn dialect_of(root: &Path) -> Dialect {
    let repository = match root.parent() {
        Some(p) if p.as_os_str().is_empty() => Path::new("."),
        Some(p) => p,
        None => return Dialect::Vouch,
    };
    let picked =
        tech_docs_source(repository).is_some_and(|source| source.file_name() == root.file_name());
    if picked && !root.join("vouch.yaml").is_file() {
        Dialect::TechDocs
    } else {
        Dialect::Vouch
    }
}

/// What vouch reads of a tech-docs-gem repository's `config/tech-docs.yml`.
#[derive(Debug, Default)]
struct TechDocs {
    /// `default_owner_slack`: the owner of pages that name none.
    default_owner: Option<String>,
    /// `owner_slack_workspace`: the Slack workspace of owners' handles.
    slack_workspace: Option<String>,
    /// `service_name`: the site's name.
    service_name: Option<String>,
    /// `host`: where the site is published.
    host: Option<String>,
    /// The paths `redirects:` sends elsewhere.
    redirects: BTreeMap<String, String>,
}

/// The repository whose `source/` folder is `root`.
fn repository_of(root: &Path) -> PathBuf {
    match root.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// From config/tech-docs.yml of the repository whose `source/` is `root`.
fn tech_docs_config(root: &Path) -> TechDocs {
    let mut found = TechDocs::default();
    if root.parent().is_none() {
        return found;
    }
    let repository = repository_of(root);
    let FileRead::Bytes(bytes) = read_file(&repository, "config/tech-docs.yml") else {
        return found;
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return found;
    };
    let Ok(yaml::Node {
        value: yaml::Value::Map(entries),
        ..
    }) = yaml::parse(&text, 0..text.len())
    else {
        return found;
    };
    for (key, value) in entries {
        match (key.name.as_str(), value.value) {
            ("default_owner_slack", v) => found.default_owner = v.scalar_text(),
            ("owner_slack_workspace", v) => found.slack_workspace = v.scalar_text(),
            ("service_name", v) => found.service_name = v.scalar_text(),
            ("host", v) => found.host = v.scalar_text(),
            ("redirects", yaml::Value::Map(paths)) => {
                found.redirects.extend(paths.into_iter().map(|(k, v)| {
                    let target = v.value.scalar_text().unwrap_or_default();
                    (k.name.trim_start_matches('/').to_owned(), target)
                }));
            }
            _ => {}
        }
    }
    found
}

/// What reading one of the root's own files gave.
#[derive(Debug)]
pub enum FileRead {
    /// There is no such file.
    Missing,
    Bytes(Vec<u8>),
    /// The file is not read, and why: a symbolic link out of `within`, or
    /// not a regular file (a FIFO would block the reader forever).
    Refused(&'static str),
    Failed(std::io::Error),
}

/// Files of the root vouch reads are at most this big (a card may be any
/// size; configuration and templates are small).
const MAX_FILE: u64 = 16 << 20;

/// Reads `within/rel`, one of the files of a root vouch reads (its
/// configuration, registry, collections' files, templates): never through a
/// symbolic link that leaves `within`, never a FIFO, device or folder, and
/// never more than 16 MB.
pub fn read_file(within: &Path, rel: &str) -> FileRead {
    let path = within.join(rel);
    match fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return FileRead::Missing,
        Err(e) => return FileRead::Failed(e),
        Ok(_) => {}
    }
    let (target, top) = match (fs::canonicalize(&path), fs::canonicalize(within)) {
        (Ok(target), Ok(top)) => (target, top),
        // A dangling link.
        (Err(_), _) => return FileRead::Refused("it is a symbolic link to nothing"),
        (_, Err(e)) => return FileRead::Failed(e),
    };
    let Ok(inner) = target.strip_prefix(&top) else {
        return FileRead::Refused("it is a symbolic link that leads out of the knowledge root");
    };
    // The checks above name the problem; the read itself is of the file
    // the name leads to, resolved beneath the root's handle, so a file
    // swapped for a link out of the root (or a FIFO) between the checks and
    // the read is never read.
    let read = open_root(&top)
        .map_err(Beneath::Io)
        .and_then(|dir| read_beneath(&dir, &inner.to_string_lossy(), MAX_FILE));
    match read {
        Ok(bytes) => FileRead::Bytes(bytes),
        Err(Beneath::NotRegular) => FileRead::Refused("it is not a regular file"),
        Err(Beneath::TooLarge) => FileRead::Refused("it is larger than 16 MB"),
        Err(Beneath::Io(e)) => FileRead::Failed(e),
    }
}

/// A handle on the root that [`read_beneath`] resolves paths under.
pub fn open_root(root: &Path) -> std::io::Result<Dir> {
    Dir::open_ambient_dir(root, cap_std::ambient_authority())
}

/// A file cards link to (an image, a PDF), to publish: read beneath `root`
/// as cards are, whatever its size.
pub fn read_linked(root: &Dir, rel: &str) -> std::io::Result<Vec<u8>> {
    read_beneath(root, rel, u64::MAX).map_err(|e| match e {
        Beneath::Io(e) => e,
        other => std::io::Error::other(other.to_string()),
    })
}

/// Why [`read_beneath`] read nothing.
#[derive(Debug)]
pub enum Beneath {
    NotRegular,
    TooLarge,
    Io(std::io::Error),
}

impl From<std::io::Error> for Beneath {
    fn from(e: std::io::Error) -> Self {
        Beneath::Io(e)
    }
}

impl std::fmt::Display for Beneath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Beneath::NotRegular => f.write_str("it is not a regular file"),
            Beneath::TooLarge => f.write_str("it is too large"),
            Beneath::Io(e) => e.fmt(f),
        }
    }
}

/// The bytes of `rel`, resolved beneath `dir` (no symbolic link or `..`
/// leads out of it), only if it is a regular file of at most `limit` bytes:
/// opened without blocking, so a FIFO answers at once, and checked on the
/// open file, not on its name.
pub fn read_beneath(dir: &Dir, rel: &str, limit: u64) -> Result<Vec<u8>, Beneath> {
    use std::io::Read;
    let mut options = cap_std::fs::OpenOptions::new();
    cap_std::fs::OpenOptionsExt::custom_flags(options.read(true), libc::O_NONBLOCK);
    let file = dir.open_with(rel, &options)?.into_std();
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Beneath::NotRegular);
    }
    if meta.len() > limit {
        return Err(Beneath::TooLarge);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Beneath::TooLarge);
    }
    Ok(bytes)
}

/// A file of the root as UTF-8 text, when [`read_file`] reads it (a
/// tech-docs partial): `None` for anything missing, refused or not text.
pub fn read_text(within: &Path, rel: &str) -> Option<String> {
    match read_file(within, rel) {
        FileRead::Bytes(bytes) => String::from_utf8(bytes).ok(),
        _ => None,
    }
}

/// Everything read from a root, before validation.
#[derive(Debug)]
pub struct Workspace {
    /// The root as given, used to build display paths.
    pub root: PathBuf,
    pub config: Config,
    /// `None` when the root has no `owners.yaml`: owners are then free-form.
    pub registry: Option<Registry>,
    pub collections: BTreeMap<String, Collection>,
    pub templates: Templates,
    /// Owners of cards that name none and whose collection names none:
    /// tech-docs-gem's `default_owner_slack`.
    pub default_owners: Vec<String>,
    /// Whose conventions the root follows.
    pub dialect: Dialect,
    /// Site paths a tech-docs-gem site redirects (`redirects:` in
    /// config/tech-docs.yml, without the leading `/`) and where to: links
    /// may name them.
    pub redirects: BTreeMap<String, String>,
    /// Free-form owner names (without `owners.yaml`) by their lower-case
    /// form, to the spelling most cards use (the first of equals): `#Team-X`
    /// and `#team-x` are one owner.
    pub spellings: std::collections::HashMap<String, String>,
    /// Every card that could be read.
    pub cards: Vec<Card>,
    /// How many card files the walk found, readable or not.
    pub card_files: usize,
    /// Card files that could not be read as cards (paths under the root):
    /// links to them lead nowhere.
    pub unreadable: std::collections::BTreeSet<String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Workspace {
    /// The path to show for a file under the root.
    pub fn display(&self, rel: &str) -> PathBuf {
        display_path(&self.root, rel)
    }
}

fn display_path(root: &Path, rel: &str) -> PathBuf {
    if root == Path::new(".") {
        PathBuf::from(rel)
    } else {
        root.join(rel)
    }
}

/// Reads the root: configuration, owners, collections, templates and every card.
pub fn load(root: &Path) -> Result<Workspace, LoadError> {
    let root = clean_root(root);
    let canonical = fs::canonicalize(&root).map_err(|source| LoadError::RootUnreadable {
        path: root.clone(),
        source,
    })?;
    // A root that cannot be listed is a usage problem (exit 2), not a card's.
    fs::read_dir(&root).map_err(|source| LoadError::RootUnreadable {
        path: root.clone(),
        source,
    })?;
    let mut diagnostics = Vec::new();

    // A tech-docs-gem repository keeps vouch's files beside `config/`.
    let dialect = dialect_of(&root);
    let settings = match dialect {
        Dialect::TechDocs => repository_of(&root),
        Dialect::Vouch => root.clone(),
    };
    let mut written = std::collections::BTreeSet::new();
    let config = match read_yaml(&settings, "vouch.yaml", &mut diagnostics) {
        Some((node, mut r)) => {
            if let yaml::Value::Map(entries) = &node.value {
                written.extend(entries.iter().map(|(k, _)| k.name.clone()));
            }
            let config = Config::from_yaml(&node, &mut r);
            diagnostics.append(&mut r.diagnostics);
            config
        }
        None => Config::default(),
    };
    let registry = read_yaml(&settings, "owners.yaml", &mut diagnostics).map(|(node, mut r)| {
        let registry = Registry::from_yaml(&node, &mut r);
        diagnostics.append(&mut r.diagnostics);
        registry
    });
    let templates = load_templates(&root, &mut diagnostics);

    crate::timing::mark("settings");
    let walked = walk::walk(&root, &canonical);
    crate::timing::mark("walk");
    diagnostics.extend(
        walked
            .problems
            .into_iter()
            .map(|(rel, code, message, help)| {
                let mut d = Diagnostic::file(code, display_path(&root, &rel), message);
                d.help = help;
                d
            }),
    );

    let mut collections = BTreeMap::new();
    for key in &walked.collections {
        let rel = format!("{key}/_collection.yaml");
        let collection = match read_yaml(&root, &rel, &mut diagnostics) {
            Some((node, mut r)) => {
                let c = Collection::from_yaml(key, &node, &mut r);
                diagnostics.append(&mut r.diagnostics);
                c
            }
            None => Collection::bare(key),
        };
        collections.insert(key.clone(), collection);
    }

    let read_other = |rel: &str| read_text(&root, rel);
    let card_ids: std::collections::HashSet<&str> = walked
        .cards
        .iter()
        .filter_map(|c| card::card_id(&c.rel))
        .collect();
    let bare_folder =
        |id: &str| !card_ids.contains(format!("{id}/index").as_str()) && root.join(id).is_dir();
    let reading = card::Reading {
        templates: &templates,
        dialect,
        read: &read_other,
        bare_folder: &bare_folder,
    };
    let card_files = walked.cards.len();
    let (cards, unreadable) = read_cards(&root, &walked.cards, &reading, &mut diagnostics);
    crate::timing::mark("parse");

    // A collection without a `title` takes its index card's.
    for card in &cards {
        if let Some(key) = card.id.strip_suffix("/index")
            && let Some(c) = collections.get_mut(key)
            && !c.titled
            && let Some(title) = &card.title
        {
            c.title = title.value.clone();
        }
    }

    let tech_docs = tech_docs_config(&root);
    let default_owners: Vec<String> = tech_docs.default_owner.into_iter().collect();
    let redirects = tech_docs.redirects;
    let mut config = config;
    if config.slack_workspace.is_none() {
        config.slack_workspace = tech_docs
            .slack_workspace
            .filter(|w| crate::model::config::is_slack_workspace(w));
    }
    // The gem's settings, where vouch.yaml does not say otherwise.
    if let Some(name) = tech_docs.service_name.filter(|n| !n.trim().is_empty())
        && !written.contains("title")
    {
        config.title = name.trim().to_owned();
    }
    if let Some(host) = tech_docs.host
        && !written.contains("base_url")
        && crate::model::config::is_web_url(&host)
    {
        config.base_url = Some(host);
    }
    // With a registry, owners resolve through it (handles ignore case).
    let spellings = match registry {
        Some(_) => Default::default(),
        None => spellings(&cards, &collections, &default_owners),
    };
    Ok(Workspace {
        root,
        config,
        registry,
        collections,
        templates,
        default_owners,
        dialect,
        redirects,
        spellings,
        cards,
        card_files,
        unreadable,
        diagnostics,
    })
}

/// Reads and parses the walked cards on all cores: the cards read, in walk
/// order, and the paths of those that could not be read (each with a
/// diagnostic, which goes into `diagnostics` with the cards' own, in order).
fn read_cards(
    root: &Path,
    paths: &[walk::CardPath],
    reading: &card::Reading,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Card>, std::collections::BTreeSet<String>) {
    // Every card is opened beneath the root's handle, opened once: a card
    // the walk saw as a file and a pull request's race turned into a link
    // out of the root, or a FIFO, is never read.
    let dir = open_root(root);
    let (parsed, diags): (Vec<Option<Card>>, Vec<Vec<Diagnostic>>) = paths
        .par_iter()
        .map(|path| {
            let file = display_path(root, &path.rel);
            let read = match &dir {
                Ok(dir) => read_beneath(dir, &path.rel, u64::MAX).or_else(|e| {
                    // An absolute link to a file inside the root (the walk
                    // let it in): read it where it leads, still beneath.
                    let target = fs::canonicalize(root.join(&path.rel)).ok();
                    let top = fs::canonicalize(root).ok();
                    match target.zip(top) {
                        Some((target, top)) if target.starts_with(&top) => {
                            let rel = target.strip_prefix(&top).unwrap_or(&target);
                            read_beneath(dir, &rel.to_string_lossy(), u64::MAX)
                        }
                        _ => Err(e),
                    }
                }),
                Err(e) => Err(Beneath::Io(std::io::Error::new(e.kind(), e.to_string()))),
            };
            match read {
                Ok(bytes) => card::parse(&path.rel, file, bytes, reading),
                Err(e) => (
                    None,
                    vec![Diagnostic::file(
                        Code::UnreadableFile,
                        file,
                        format!("cannot read this card: {e}"),
                    )],
                ),
            }
        })
        .unzip();
    diagnostics.extend(diags.into_iter().flatten());
    let unreadable = paths
        .iter()
        .zip(&parsed)
        .filter(|(_, card)| card.is_none())
        .map(|(path, _)| path.rel.clone())
        .collect();
    // `filter_map`, unlike `flatten`, lets std keep the cards in the
    // buffer they were parsed into: a second one would be 5 MB of fresh
    // memory at 10,000 cards.
    #[allow(clippy::filter_map_identity)]
    let cards = parsed.into_iter().filter_map(|card| card).collect();
    (cards, unreadable)
}

/// One spelling for each free-form owner name that differs only by case:
/// the one written most often, the first of equals.
fn spellings(
    cards: &[Card],
    collections: &BTreeMap<String, Collection>,
    defaults: &[String],
) -> std::collections::HashMap<String, String> {
    let mut counts: BTreeMap<String, Vec<(String, usize, usize)>> = BTreeMap::new();
    let written = cards
        .iter()
        .flat_map(|c| c.owners.iter().map(|o| o.value.as_str()))
        .chain(
            collections
                .values()
                .flat_map(|c| c.owners.iter().map(|(o, _)| o.as_str())),
        )
        .chain(defaults.iter().map(String::as_str));
    for (order, name) in written.enumerate() {
        let forms = counts.entry(name.to_lowercase()).or_default();
        match forms.iter_mut().find(|(f, _, _)| f == name) {
            Some((_, n, _)) => *n += 1,
            None => forms.push((name.to_owned(), 1, order)),
        }
    }
    counts
        .into_iter()
        .filter(|(_, forms)| forms.len() > 1)
        .map(|(lower, forms)| {
            let best = forms
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
                .map(|(f, _, _)| f)
                .unwrap_or_default();
            (lower, best)
        })
        .collect()
}

/// `./knowledge/` → `knowledge`, so display paths read naturally.
fn clean_root(root: &Path) -> PathBuf {
    let cleaned: PathBuf = root
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    if cleaned.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        cleaned
    }
}

/// Reads and parses an optional YAML file of the root. Returns `None` when the
/// file is absent or unusable (the latter with a diagnostic).
fn read_yaml(
    root: &Path,
    rel: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Node, Reporter)> {
    let display = display_path(root, rel);
    let bytes = match read_file(root, rel) {
        FileRead::Bytes(bytes) => bytes,
        FileRead::Missing => return None,
        problem => {
            diagnostics.push(unreadable(display, &problem));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => {
            diagnostics.push(
                Diagnostic::file(Code::NotUtf8, display, "this file is not UTF-8")
                    .with_help("save the file as UTF-8"),
            );
            return None;
        }
    };
    let source = SourceText::new(text);
    let mut reporter = Reporter::new(display, source.clone());
    let start = if source.as_str().starts_with('\u{feff}') {
        3
    } else {
        0
    };
    match yaml::parse(source.as_str(), start..source.as_str().len()) {
        Ok(node) => Some((node, reporter)),
        Err(e) => {
            reporter
                .at(
                    Code::FrontMatterSyntax,
                    e.offset..e.offset,
                    format!("not valid YAML: {}", e.message),
                )
                .set_help("check the indentation and quoting on this line");
            diagnostics.append(&mut reporter.diagnostics);
            None
        }
    }
}

/// `unreadable-file` for a file [`read_file`] would not or could not read.
pub fn unreadable(display: PathBuf, problem: &FileRead) -> Diagnostic {
    let (message, help) = match problem {
        FileRead::Refused(why) => (
            format!("this file is not read: {why}"),
            "replace it with a regular file inside the root",
        ),
        FileRead::Failed(e) => (
            format!("cannot read this file: {e}"),
            "check the file's permissions",
        ),
        FileRead::Missing | FileRead::Bytes(_) => ("cannot read this file".to_owned(), ""),
    };
    Diagnostic::file(Code::UnreadableFile, display, message).with_help(help)
}

/// The built-in templates, overridden and extended by `ROOT/templates/cards/*.md`.
fn load_templates(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Templates {
    let mut templates = Templates::built_in();
    let dir = root.join("templates").join("cards");
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return templates,
        // There but unreadable (or not a folder): its templates would go
        // missing without a word, and every card using one with them.
        Err(e) => {
            diagnostics.push(
                Diagnostic::file(
                    Code::UnreadableFile,
                    display_path(root, "templates/cards"),
                    format!("cannot read the card templates' folder: {e}"),
                )
                .with_help("make `templates/cards/` a readable folder, or remove it"),
            );
            return templates;
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    for path in paths {
        let Some(key) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
            continue;
        };
        let rel = format!("templates/cards/{key}.md");
        let display = display_path(root, &rel);
        let text = match read_file(root, &rel) {
            FileRead::Bytes(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    diagnostics.push(Diagnostic::file(
                        Code::NotUtf8,
                        display,
                        "this template is not UTF-8",
                    ));
                    continue;
                }
            },
            FileRead::Missing => continue,
            problem => {
                diagnostics.push(unreadable(display, &problem));
                continue;
            }
        };
        let mut reporter = Reporter::new(display.clone(), SourceText::new(text));
        if let Some(mut t) = Template::parse(&key, &mut reporter) {
            t.path = Some(display);
            templates.by_key.insert(key, t);
        }
        diagnostics.append(&mut reporter.diagnostics);
    }
    templates
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one reader of the root's files: nothing outside the root, no
    /// FIFO (without blocking), no more than the limit, whatever the name.
    #[test]
    fn reads_beneath_the_root_are_bounded_and_never_leave_it() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("kb");
        fs::create_dir_all(root.join("a")).unwrap();
        fs::write(tmp.path().join("secret.md"), "SECRET").unwrap();
        fs::write(root.join("a/card.md"), "card").unwrap();
        std::os::unix::fs::symlink("../../secret.md", root.join("a/out.md")).unwrap();
        std::os::unix::fs::symlink("card.md", root.join("a/in.md")).unwrap();
        let fifo = std::ffi::CString::new(root.join("a/pipe.md").to_str().unwrap()).unwrap();
        // SAFETY: mkfifo on a path this test owns.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let dir = Dir::open_ambient_dir(&root, cap_std::ambient_authority()).unwrap();
        assert_eq!(read_beneath(&dir, "a/card.md", 100).unwrap(), b"card");
        assert_eq!(read_beneath(&dir, "a/in.md", 100).unwrap(), b"card");
        assert!(matches!(
            read_beneath(&dir, "a/out.md", 100),
            Err(Beneath::Io(_))
        ));
        assert!(matches!(
            read_beneath(&dir, "../secret.md", 100),
            Err(Beneath::Io(_))
        ));
        assert!(matches!(
            read_beneath(&dir, "a/pipe.md", 100),
            Err(Beneath::NotRegular)
        ));
        assert!(matches!(
            read_beneath(&dir, "a/card.md", 3),
            Err(Beneath::TooLarge)
        ));
        assert!(matches!(read_file(&root, "a/out.md"), FileRead::Refused(_)));
        assert!(matches!(
            read_file(&root, "a/pipe.md"),
            FileRead::Refused(_)
        ));
    }

    /// A card that goes away between the walk and the read (deleted, or
    /// replaced by a folder) is reported by name and leaves the cards
    /// around it, and their order, as they were.
    #[test]
    fn a_card_gone_after_the_walk_is_reported_and_the_others_still_read() {
        let root = std::env::temp_dir().join(format!("vouch-read-cards-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("b.md")).unwrap();
        for name in ["a.md", "c.md"] {
            fs::write(
                root.join(name),
                "---\ntitle: T\nowners: [o]\nverified: 2026-01-01\n---\nBody [x](missing.md).\n",
            )
            .unwrap();
        }
        let paths: Vec<CardPath> = ["a.md", "b.md", "gone.md", "c.md"]
            .iter()
            .map(|rel| CardPath {
                rel: (*rel).to_owned(),
            })
            .collect();
        let templates = crate::model::template::Templates::built_in();
        let reading = card::Reading::alone(&templates, Dialect::Vouch);
        let mut diagnostics = Vec::new();
        let (cards, unreadable) = read_cards(&root, &paths, &reading, &mut diagnostics);
        let _ = fs::remove_dir_all(&root);

        let ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!(
            unreadable.into_iter().collect::<Vec<_>>(),
            ["b.md", "gone.md"]
        );
        let unread: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.code == Code::UnreadableFile)
            .map(|d| format!("{} {}", d.file.display(), d.message))
            .collect();
        assert_eq!(unread.len(), 2, "{unread:?}");
        assert!(
            unread[0].contains("b.md cannot read this card"),
            "{unread:?}"
        );
        assert!(
            unread[1].contains("gone.md cannot read this card"),
            "{unread:?}"
        );
    }
}
