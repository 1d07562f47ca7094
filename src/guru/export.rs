//! `vouch export guru`: the published cards as a Guru manual-sync bundle
//! (format version 2). Sub-folders become folders, links between cards
//! become `cards/<id>` links, linked files go to `resources/`. The zip is
//! written beside its target and renamed into place (`write::replace_file`),
//! so a failed export leaves no half-written file; the same root gives the
//! same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::card::{Card, Status};
use crate::resolve::{LinkTarget, Model, urls};
use crate::yaml::double_quoted as quoted;

/// What an export wrote.
#[derive(Debug, Default)]
pub struct Exported {
    pub cards: usize,
    pub folders: usize,
    pub resources: usize,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("`{}` is a folder; give the zip file to write, e.g. `-o guru.zip`", .0.display())]
    IsDir(PathBuf),
    #[error("cannot write `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A bundle id from a card id or folder path: one file name, no `/`.
fn bundle_id(path: &str) -> String {
    path.replace('/', "__")
}

/// The items of one folder, in the bundle's YAML list form.
fn items_yaml(folders: &BTreeSet<String>, cards: &[&str], indent: &str) -> String {
    let mut out = String::new();
    for f in folders {
        let _ = writeln!(
            out,
            "{indent}- ID: {}\n{indent}  Type: folder",
            quoted(&bundle_id(f))
        );
    }
    for c in cards {
        let _ = writeln!(
            out,
            "{indent}- ID: {}\n{indent}  Type: card",
            quoted(&bundle_id(c))
        );
    }
    out
}

pub fn export(model: &Model, out: &Path) -> Result<Exported, ExportError> {
    let ws = model.ws;
    if out.is_dir() {
        return Err(ExportError::IsDir(out.to_path_buf()));
    }
    let io = |source| ExportError::Io {
        path: out.to_path_buf(),
        source,
    };
    let mut report = Exported::default();
    let mut cards: Vec<&Card> = ws
        .cards
        .iter()
        .filter(|c| c.status == Status::Published)
        .collect();
    cards.sort_by(|a, b| a.id.cmp(&b.id));
    let exported: BTreeSet<&str> = cards.iter().map(|c| c.id.as_str()).collect();

    // Folder tree: every folder of a card's id, with its sub-folders and cards.
    let mut sub_folders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut folder_cards: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for card in &cards {
        let (dir, _) = card.id.rsplit_once('/').unwrap_or(("", &card.id));
        folder_cards
            .entry(dir.to_owned())
            .or_default()
            .push(&card.id);
        let mut path = dir;
        while !path.is_empty() {
            let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
            sub_folders
                .entry(parent.to_owned())
                .or_default()
                .insert(path.to_owned());
            sub_folders.entry(path.to_owned()).or_default();
            path = parent;
        }
    }

    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut tags = BTreeSet::new();
    for card in &cards {
        let id = bundle_id(&card.id);
        let mut warnings = Vec::new();
        let from = model.index.position(&card.id);
        let body = crate::markdown::rewrite_destinations(card.markdown(), |dest| {
            if dest.trim_start().starts_with('#') {
                return None;
            }
            let target = model.index.resolve(dest, from?);
            let fragment = dest.split_once('#').map(|(_, f)| f);
            let with_fragment = |link: String| match fragment {
                Some(f) => format!("{link}#{f}"),
                None => link,
            };
            if let LinkTarget::Card { card: to, .. } = target {
                let target = model.cards[to].card;
                if exported.contains(target.id.as_str()) {
                    return Some(with_fragment(format!("cards/{}", bundle_id(&target.id))));
                }
                warnings.push(format!("links to `{}`, which is not published and not exported; the link is kept as written", target.id));
                return None;
            }
            if let LinkTarget::File { rel, .. } = target {
                let resource = format!("resources/{rel}");
                if !files.contains_key(&resource) {
                    match std::fs::read(ws.root.join(&rel)) {
                        Ok(bytes) => {
                            files.insert(resource.clone(), bytes);
                        }
                        Err(e) => {
                            warnings.push(format!("cannot read `{rel}`: {e}"));
                            return None;
                        }
                    }
                }
                return Some(with_fragment(resource));
            }
            None
        });
        for message in warnings {
            report.diagnostics.push(
                Diagnostic::file(Code::BrokenLink, card.file.clone(), message)
                    .with_severity(Severity::Warning),
            );
        }
        let mut yaml = format!("Title: {}\n", quoted(card.title()));
        let external_id = card
            .extra
            .get("x-guru-external-id")
            .and_then(|n| n.value.scalar_text())
            .unwrap_or_else(|| format!("vouch:{}", card.id));
        let _ = writeln!(yaml, "ExternalId: {}", quoted(&external_id));
        let url = match ws.config.base_url.as_deref() {
            Some(base) => Some(format!(
                "{}/{}",
                base.trim_end_matches('/'),
                urls::card_page(&card.id)
            )),
            None => card
                .extra
                .get("x-guru-external-url")
                .and_then(|n| n.value.scalar_text()),
        };
        if let Some(url) = url {
            let _ = writeln!(yaml, "ExternalUrl: {}", quoted(&url));
        }
        if !card.tags.is_empty() {
            yaml.push_str("Tags:\n");
            for tag in &card.tags {
                let _ = writeln!(yaml, "  - {}", quoted(tag));
                tags.insert(tag.clone());
            }
        }
        files.insert(format!("cards/{id}.yaml"), yaml.into_bytes());
        files.insert(format!("cards/{id}.md"), body.into_bytes());
        report.cards += 1;
    }
    for (path, inner) in &sub_folders {
        if path.is_empty() {
            continue;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        let title = match ws.collections.get(path.as_str()) {
            Some(c) if !path.contains('/') => c.title.clone(),
            _ => name.to_owned(),
        };
        let mut yaml = format!(
            "Title: {}\nExternalId: {}\n",
            quoted(&title),
            quoted(&format!("vouch:{path}"))
        );
        let cards_here = folder_cards.get(path).map_or(&[][..], Vec::as_slice);
        if !inner.is_empty() || !cards_here.is_empty() {
            yaml.push_str("Items:\n");
            yaml.push_str(&items_yaml(inner, cards_here, "  "));
        }
        files.insert(
            format!("folders/{}.yaml", bundle_id(path)),
            yaml.into_bytes(),
        );
        report.folders += 1;
    }
    let mut collection = String::from("Version: 2\n");
    let top_folders = sub_folders.get("").cloned().unwrap_or_default();
    let top_cards = folder_cards.get("").map_or(&[][..], Vec::as_slice);
    if !top_folders.is_empty() || !top_cards.is_empty() {
        collection.push_str("Items:\n");
        collection.push_str(&items_yaml(&top_folders, top_cards, "  "));
    }
    if !tags.is_empty() {
        collection.push_str("Tags:\n");
        for tag in &tags {
            let _ = writeln!(collection, "  - {}", quoted(tag));
        }
    }
    files.insert("collection.yaml".to_owned(), collection.into_bytes());
    report.resources = files.keys().filter(|k| k.starts_with("resources/")).count();

    // Built in memory (the bundle's files are there already), then written
    // beside the target and renamed into place: all or nothing.
    let zip_error = |e: zip::result::ZipError| io(std::io::Error::other(e));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in &files {
        zip.start_file(name.as_str(), options).map_err(zip_error)?;
        zip.write_all(bytes).map_err(io)?;
    }
    let bytes = zip.finish().map_err(zip_error)?.into_inner();
    crate::write::replace_file(out, &bytes).map_err(io)?;
    report
        .diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(report)
}
