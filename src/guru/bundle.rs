//! A Guru collection bundle as data: the manual-sync / collection-export
//! layout (`collection.yaml`, `cards/<id>.yaml` with a sibling `.md` or
//! `.html` body, `folders/<id>.yaml`, the legacy `boards/` and
//! `board-groups/`, `resources/`), read from a folder or a zip file into
//! memory, every problem a diagnostic with the file and line.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::SourceText;
use crate::yaml::{self, Node, Value};

/// A bundle larger than this (uncompressed) is refused: a zip bomb, or not a
/// knowledge export.
const MAX_BYTES: u64 = 256 << 20;
/// A zip may unpack to at most this many times its own size (and 64 MB
/// whatever its size): real exports compress text perhaps tenfold, a zip
/// bomb a thousandfold.
const MAX_RATIO: u64 = 100;
const MAX_FILES: usize = 200_000;

/// The files of a bundle by their path inside it (`cards/a.yaml`).
pub struct Files {
    /// How to show a file of the bundle: `<bundle>/<path>`.
    origin: PathBuf,
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Files {
    pub fn display(&self, path: &str) -> PathBuf {
        self.origin.join(path)
    }
}

/// Why a bundle cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{}` is not a zip file Guru could have written: {message}", path.display())]
    Zip { path: PathBuf, message: String },
    #[error("`{}` holds more than {} files, more than {} MB uncompressed, or unpacks to over {}× its size; vouch does not unpack it", path.display(), MAX_FILES, MAX_BYTES >> 20, MAX_RATIO)]
    TooLarge { path: PathBuf },
}

/// A path inside a bundle that stays inside it: relative, `/`-separated, no
/// `..`, no drive or NUL. `None` for anything else.
pub fn safe_path(name: &str) -> Option<String> {
    if name.contains('\0') || name.contains('\\') || name.starts_with('/') {
        return None;
    }
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.contains(':') && parts.is_empty() => return None,
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Reads a bundle folder or zip. Unsafe entry names are skipped with an
/// `unsafe-path` error each; nothing is ever written.
pub fn read(path: &Path, out: &mut Vec<Diagnostic>) -> Result<Files, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = fs::metadata(path).map_err(io)?;
    let mut files = Files {
        origin: path.to_path_buf(),
        files: BTreeMap::new(),
    };
    let mut total = 0u64;
    if meta.is_dir() {
        for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
            let entry = entry.map_err(|e| io(e.into()))?;
            if !entry.file_type().is_file() {
                if entry.path_is_symlink() {
                    out.push(Diagnostic::file(
                        Code::UnsafePath,
                        entry.path(),
                        "a symbolic link in the bundle is not followed",
                    ));
                }
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(path)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            total += entry.metadata().map(|m| m.len()).unwrap_or(0);
            if total > MAX_BYTES || files.files.len() >= MAX_FILES {
                return Err(ReadError::TooLarge {
                    path: path.to_path_buf(),
                });
            }
            let bytes = fs::read(entry.path()).map_err(io)?;
            files.files.insert(rel, bytes);
        }
        return Ok(files);
    }
    let file = fs::File::open(path).map_err(io)?;
    let zipped = file.metadata().map(|m| m.len()).unwrap_or(0);
    let budget = MAX_BYTES.min(zipped.saturating_mul(MAX_RATIO).max(64 << 20));
    let zip_error = |e: zip::result::ZipError| ReadError::Zip {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(zip_error)?;
    if archive.len() > MAX_FILES {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    // The sizes the entries declare, before anything is allocated for them:
    // a zip whose entries each claim 4 GB is refused here, and below no
    // entry is given room past what the declared total allows.
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(zip_error)?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > budget {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(zip_error)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let Some(rel) = safe_path(&name) else {
            out.push(
                Diagnostic::file(
                    Code::UnsafePath,
                    path.join(name.replace('\0', "\\0")),
                    "this entry's name leaves the bundle (absolute, `..` or a drive); it is skipped",
                )
                .with_help("a bundle's paths are relative to its top, like `cards/a.yaml`"),
            );
            continue;
        };
        // The declared size may lie; read at most what is left of the budget.
        let left = budget - total;
        let mut bytes = Vec::with_capacity(entry.size().min(left) as usize);
        (&mut entry)
            .take(left + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ReadError::Zip {
                path: path.to_path_buf(),
                message: format!("{name}: {e}"),
            })?;
        total += bytes.len() as u64;
        if total > budget {
            return Err(ReadError::TooLarge {
                path: path.to_path_buf(),
            });
        }
        // Archives from some tools put everything under one top folder.
        files.files.insert(rel, bytes);
    }
    strip_single_top_folder(&mut files);
    Ok(files)
}

/// A zip made by compressing a folder holds `name/collection.yaml`: look inside.
fn strip_single_top_folder(files: &mut Files) {
    if files.files.contains_key("collection.yaml") {
        return;
    }
    let Some(first) = files.files.keys().next() else {
        return;
    };
    let Some((top, _)) = first.split_once('/') else {
        return;
    };
    let top = top.to_owned();
    let prefix = format!("{top}/");
    if !files
        .files
        .contains_key(&format!("{prefix}collection.yaml"))
        || !files.files.keys().all(|k| k.starts_with(&prefix))
    {
        return;
    }
    files.files = std::mem::take(&mut files.files)
        .into_iter()
        .map(|(k, v)| (k[prefix.len()..].to_owned(), v))
        .collect();
    files.origin = files.origin.join(top);
}

/// What a listing names: a card, a folder (or legacy board / board group),
/// or a legacy board's section, which holds items itself.
#[derive(Debug, Clone)]
pub enum Item {
    Card { id: String, at: Place },
    Folder { id: String, at: Place },
    Section { title: String, items: Vec<Item> },
}

/// Where in the bundle an item was named, for diagnostics.
#[derive(Debug, Clone)]
pub struct Place {
    pub file: String,
    pub span: std::ops::Range<usize>,
}

#[derive(Debug, Clone)]
pub enum Body {
    Markdown(String),
    Html(String),
}

#[derive(Debug, Clone)]
pub struct Card {
    pub title: String,
    pub external_id: Option<String>,
    pub external_url: Option<String>,
    pub tags: Vec<String>,
    pub body: Body,
}

#[derive(Debug, Clone)]
pub struct Folder {
    pub title: String,
    pub external_id: Option<String>,
    pub items: Vec<Item>,
}

/// A bundle, read as far as it could be.
pub struct Bundle {
    pub files: Files,
    pub items: Vec<Item>,
    pub tags: Vec<String>,
    pub cards: BTreeMap<String, Card>,
    pub folders: BTreeMap<String, Folder>,
    /// Files under `resources/`, by path inside the bundle.
    pub resources: Vec<String>,
    /// Whether the bundle uses the legacy boards layout.
    pub legacy: bool,
}

/// A YAML file of the bundle, parsed, or a `bundle-syntax` error.
fn parse_yaml(files: &Files, path: &str, out: &mut Vec<Diagnostic>) -> Option<(SourceText, Node)> {
    let bytes = files.files.get(path)?;
    let Ok(text) = std::str::from_utf8(bytes) else {
        out.push(Diagnostic::file(
            Code::NotUtf8,
            files.display(path),
            "this file is not UTF-8 text",
        ));
        return None;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let source = SourceText::new(text);
    match yaml::parse(text, 0..text.len()) {
        Ok(node) => Some((source, node)),
        Err(e) => {
            out.push(Diagnostic::at(
                Code::BundleSyntax,
                files.display(path),
                &source,
                e.offset..e.offset,
                format!("this YAML cannot be read: {}", e.message),
            ));
            None
        }
    }
}

/// A bundle YAML file holding a mapping.
struct MapFile {
    source: SourceText,
    /// Where the mapping starts in the text.
    start: usize,
    map: Vec<(yaml::Key, Node)>,
}

/// A YAML file of the bundle that should hold a mapping (`what` names it in
/// the message); `None`, with a diagnostic, when it cannot be read or holds something else (an
/// empty file included).
fn parse_map(files: &Files, path: &str, what: &str, out: &mut Vec<Diagnostic>) -> Option<MapFile> {
    let (source, node) = parse_yaml(files, path, out)?;
    match node.value {
        Value::Map(map) => Some(MapFile {
            source,
            start: node.span.start,
            map,
        }),
        v => {
            out.push(Diagnostic::at(
                Code::BundleSyntax,
                files.display(path),
                &source,
                node.span.clone(),
                format!("{what} should be a mapping, found {}", v.kind()),
            ));
            None
        }
    }
}

/// The mapping's value for `key` (Guru writes `Title`; any case is accepted).
fn get<'n>(map: &'n [(yaml::Key, Node)], key: &str) -> Option<&'n Node> {
    map.iter()
        .find(|(k, _)| k.name.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn text_of(map: &[(yaml::Key, Node)], key: &str) -> Option<String> {
    get(map, key)
        .and_then(|n| n.value.scalar_text())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn strings_of(map: &[(yaml::Key, Node)], key: &str) -> Vec<String> {
    match get(map, key).map(|n| &n.value) {
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(|n| n.value.scalar_text())
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        Some(v) => v.scalar_text().into_iter().collect(),
        None => Vec::new(),
    }
}

/// Reads an `Items` list: `{ID, Type}` entries, or legacy sections
/// (`{Type: section, Title, Items}`); plain strings name cards.
fn items_of(
    files: &Files,
    path: &str,
    source: &SourceText,
    node: Option<&Node>,
    default_kind: &str,
    out: &mut Vec<Diagnostic>,
) -> Vec<Item> {
    let Some(node) = node else {
        return Vec::new();
    };
    let Value::Seq(entries) = &node.value else {
        out.push(Diagnostic::at(
            Code::BundleSyntax,
            files.display(path),
            source,
            node.span.clone(),
            format!("`Items` should be a list, found {}", node.value.kind()),
        ));
        return Vec::new();
    };
    let mut items = Vec::new();
    for entry in entries {
        let at = Place {
            file: path.to_owned(),
            span: entry.span.clone(),
        };
        let (id, kind, map) = match &entry.value {
            Value::Map(map) => (
                text_of(map, "ID"),
                text_of(map, "Type").unwrap_or_else(|| default_kind.to_owned()),
                Some(map),
            ),
            v => (v.scalar_text(), default_kind.to_owned(), None),
        };
        match (kind.to_ascii_lowercase().as_str(), id) {
            ("section", _) if let Some(map) = map => {
                items.push(Item::Section {
                    title: text_of(map, "Title").unwrap_or_else(|| "Section".to_owned()),
                    items: items_of(files, path, source, get(map, "Items"), "card", out),
                });
            }
            ("card", Some(id)) => items.push(Item::Card { id, at }),
            ("folder" | "board" | "board-group" | "boardgroup", Some(id)) => {
                items.push(Item::Folder { id, at })
            }
            (other, Some(_)) => out.push(Diagnostic::at(
                Code::BundleSyntax,
                files.display(path),
                source,
                entry.span.clone(),
                format!("unknown item type `{other}`; expected card, folder or section"),
            )),
            (_, None) => out.push(Diagnostic::at(
                Code::BundleSyntax,
                files.display(path),
                source,
                entry.span.clone(),
                "this item has no `ID`",
            )),
        }
    }
    items
}

/// The bundle's id of a file `dir/<id>.ext`, when the id is safe.
fn id_in<'p>(path: &'p str, dir: &str, ext: &str) -> Option<&'p str> {
    let id = path
        .strip_prefix(dir)?
        .strip_prefix('/')?
        .strip_suffix(ext)?;
    (!id.is_empty() && !id.contains('/')).then_some(id)
}

/// Reads everything a bundle says; `out` receives every problem.
pub fn parse(files: Files, out: &mut Vec<Diagnostic>) -> Bundle {
    let mut bundle = Bundle {
        items: Vec::new(),
        tags: Vec::new(),
        cards: BTreeMap::new(),
        folders: BTreeMap::new(),
        resources: Vec::new(),
        legacy: false,
        files: Files {
            origin: PathBuf::new(),
            files: BTreeMap::new(),
        },
    };
    if !files.files.contains_key("collection.yaml") {
        out.push(
            Diagnostic::file(
                Code::MissingItem,
                files.display("collection.yaml"),
                "the bundle has no collection.yaml at its top",
            )
            .with_help("a Guru bundle holds collection.yaml, cards/ and folders/ (or boards/)"),
        );
    }
    if let Some((source, node)) = parse_yaml(&files, "collection.yaml", out) {
        match &node.value {
            Value::Map(map) => {
                bundle.tags = strings_of(map, "Tags");
                bundle.items = items_of(
                    &files,
                    "collection.yaml",
                    &source,
                    get(map, "Items"),
                    "card",
                    out,
                );
            }
            Value::Null => {}
            v => out.push(Diagnostic::at(
                Code::BundleSyntax,
                files.display("collection.yaml"),
                &source,
                node.span.clone(),
                format!("collection.yaml should be a mapping, found {}", v.kind()),
            )),
        }
    }

    for path in files.files.keys() {
        if let Some(id) = id_in(path, "cards", ".yaml").or_else(|| id_in(path, "cards", ".yml")) {
            if let Some(card) = read_card(&files, path, id, out) {
                bundle.cards.insert(id.to_owned(), card);
            }
        } else if let Some((dir, id)) =
            ["folders", "boards", "board-groups"]
                .iter()
                .find_map(|dir| {
                    Some((
                        *dir,
                        id_in(path, dir, ".yaml").or_else(|| id_in(path, dir, ".yml"))?,
                    ))
                })
        {
            bundle.legacy |= dir != "folders";
            if let Some(folder) = read_folder(&files, path, dir, out) {
                bundle.folders.insert(id.to_owned(), folder);
            }
        } else if path.starts_with("resources/") {
            bundle.resources.push(path.clone());
        }
    }
    bundle.files = files;
    bundle
}

fn read_card(files: &Files, path: &str, id: &str, out: &mut Vec<Diagnostic>) -> Option<Card> {
    let MapFile { source, start, map } = parse_map(files, path, "a card's YAML", out)?;
    let map = &map;
    let body = ["md", "markdown"]
        .iter()
        .find_map(|ext| files.files.get(&format!("cards/{id}.{ext}")))
        .map(|b| Body::Markdown(String::from_utf8_lossy(b).into_owned()))
        .or_else(|| {
            ["html", "htm"]
                .iter()
                .find_map(|ext| files.files.get(&format!("cards/{id}.{ext}")))
                .map(|b| Body::Html(String::from_utf8_lossy(b).into_owned()))
        });
    let Some(body) = body else {
        out.push(
            Diagnostic::file(
                Code::MissingBody,
                files.display(path),
                format!("card `{id}` has no body: neither cards/{id}.md nor cards/{id}.html is in the bundle"),
            )
            .with_help("add the body file beside the card's YAML, or remove the card from the bundle"),
        );
        return None;
    };
    let title = text_of(map, "Title");
    if title.is_none() {
        out.push(
            Diagnostic::at(
                Code::BundleSyntax,
                files.display(path),
                &source,
                start..start,
                format!("card `{id}` has no `Title`; its id is used as the title"),
            )
            .with_severity(Severity::Warning),
        );
    }
    Some(Card {
        title: title.unwrap_or_else(|| id.to_owned()),
        external_id: text_of(map, "ExternalId"),
        external_url: text_of(map, "ExternalUrl"),
        tags: strings_of(map, "Tags"),
        body,
    })
}

fn read_folder(files: &Files, path: &str, dir: &str, out: &mut Vec<Diagnostic>) -> Option<Folder> {
    let MapFile { source, map, .. } = parse_map(files, path, "a folder's YAML", out)?;
    let map = &map;
    let (list, kind) = match dir {
        // A legacy board group lists boards, as `Boards: [id]` or as items.
        "board-groups" => (get(map, "Boards").or_else(|| get(map, "Items")), "board"),
        _ => (get(map, "Items"), "card"),
    };
    let items = items_of(files, path, &source, list, kind, out);
    let id = path.rsplit('/').next().unwrap_or(path);
    Some(Folder {
        title: text_of(map, "Title").unwrap_or_else(|| id.trim_end_matches(".yaml").to_owned()),
        external_id: text_of(map, "ExternalId"),
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::safe_path;

    #[test]
    fn paths_never_leave_the_bundle() {
        assert_eq!(safe_path("cards/a.yaml").as_deref(), Some("cards/a.yaml"));
        assert_eq!(
            safe_path("./cards//a.yaml").as_deref(),
            Some("cards/a.yaml")
        );
        for bad in [
            "../x",
            "cards/../../x",
            "/etc/passwd",
            "C:/x",
            "c:x",
            "a\\..\\b",
            "a\0b",
            "",
        ] {
            assert_eq!(safe_path(bad), None, "{bad:?}");
        }
    }
}
