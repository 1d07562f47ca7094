//! `vouch import guru`: a bundle becomes one collection of cards. Folders
//! become sub-folders, HTML bodies Markdown, `cards/<id>` links relative
//! `.md` links, resources files beside the cards. Nothing outside the
//! collection's folder is written (but a new root's `vouch.yaml`); an
//! existing card is never overwritten unless this importer made it, which it
//! knows by the `x-guru-id` / `x-guru-external-id` it wrote.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::front_matter;
use crate::guru::bundle::{self, Body, Bundle, Item, Place};
use crate::guru::relative_link;
use crate::load::Workspace;
use crate::model::card::Card;
use crate::source::SourceText;
use crate::yaml::double_quoted as quoted;

pub struct Options<'a> {
    /// The knowledge root (created when missing or empty).
    pub root: &'a Path,
    /// The collection folder under the root.
    pub collection: &'a str,
    pub owner: Option<&'a str>,
    pub verified: bool,
    pub today: Date,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Imported {
    pub created: Vec<String>,
    /// Each updated card with what changed in it.
    pub updated: Vec<(String, Vec<&'static str>)>,
    pub unchanged: Vec<String>,
    /// Updated cards whose verification was cleared: their text changed.
    pub unverified: Vec<String>,
    pub resources: usize,
    /// Cards written without an owner.
    pub ownerless: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// A name in `dir` not yet taken by `taken`: `name`, `name-2`, `name-3`…
fn unique(taken: &mut HashSet<String>, dir: &[String], name: &str) -> String {
    let mut candidate = name.to_owned();
    let mut n = 2;
    while !taken.insert(format!("{}/{candidate}", dir.join("/"))) {
        candidate = format!("{name}-{n}");
        n += 1;
    }
    candidate
}

/// A file or folder name from a bundle name: the last segment of a vouch
/// export's `vouch:<path>` id, or a slug of the title.
fn name_for(external_id: Option<&str>, title: &str) -> String {
    external_id
        .and_then(|id| id.strip_prefix("vouch:"))
        .and_then(|path| path.rsplit('/').next())
        .filter(|seg| bundle::safe_path(seg).as_deref() == Some(*seg))
        // A hidden name (`.git`) or one starting with `_` is never read as a
        // card: the card would be written and then lost.
        .filter(|seg| !seg.starts_with(['.', '_']))
        .map(str::to_owned)
        .unwrap_or_else(|| crate::model::card::file_slug(title))
}

/// Where each card of the bundle goes: its id and its folder segments under
/// the collection, in listing order.
fn place(bundle: &Bundle, out: &mut Vec<Diagnostic>) -> Vec<(String, Vec<String>)> {
    struct Walk<'b> {
        bundle: &'b Bundle,
        placed: Vec<(String, Vec<String>)>,
        seen_cards: HashSet<String>,
        seen_folders: HashSet<String>,
        names: HashSet<String>,
    }
    impl Walk<'_> {
        fn at(&self, place: &Place) -> (PathBuf, SourceText) {
            let text = self
                .bundle
                .files
                .files
                .get(&place.file)
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            (
                self.bundle.files.display(&place.file),
                SourceText::new(text),
            )
        }

        fn items(
            &mut self,
            items: &[Item],
            dir: &[String],
            path: &mut Vec<String>,
            out: &mut Vec<Diagnostic>,
        ) {
            for item in items {
                match item {
                    Item::Card { id, at } => {
                        if !self.bundle.cards.contains_key(id) {
                            if !self
                                .bundle
                                .files
                                .files
                                .contains_key(&format!("cards/{id}.yaml"))
                            {
                                let (file, source) = self.at(at);
                                out.push(
                                    Diagnostic::at(Code::MissingItem, file, &source, at.span.clone(), format!("card `{id}` is listed but cards/{id}.yaml is not in the bundle"))
                                        .with_help("add the card's files, or remove it from the list"),
                                );
                            }
                        } else if !self.seen_cards.insert(id.clone()) {
                            let (file, source) = self.at(at);
                            out.push(Diagnostic::at(Code::UnlistedItem, file, &source, at.span.clone(), format!("card `{id}` is listed more than once; it is imported once, where it is first listed")));
                        } else {
                            self.placed.push((id.clone(), dir.to_vec()));
                        }
                    }
                    Item::Folder { id, at } => {
                        let Some(folder) = self.bundle.folders.get(id) else {
                            let known = ["folders", "boards", "board-groups"].iter().any(|d| {
                                self.bundle
                                    .files
                                    .files
                                    .contains_key(&format!("{d}/{id}.yaml"))
                            });
                            if !known {
                                let (file, source) = self.at(at);
                                out.push(
                                    Diagnostic::at(Code::MissingItem, file, &source, at.span.clone(), format!("folder `{id}` is listed but folders/{id}.yaml is not in the bundle"))
                                        .with_help("add the folder's YAML, or remove it from the list"),
                                );
                            }
                            continue;
                        };
                        if path.contains(id) {
                            let (file, source) = self.at(at);
                            out.push(Diagnostic::at(Code::BundleSyntax, file, &source, at.span.clone(), format!("folder `{id}` contains itself (through {}); the loop is not followed", path.join(" → "))));
                            continue;
                        }
                        if !self.seen_folders.insert(id.clone()) {
                            let (file, source) = self.at(at);
                            out.push(Diagnostic::at(Code::UnlistedItem, file, &source, at.span.clone(), format!("folder `{id}` is listed more than once; it is imported once, where it is first listed")));
                            continue;
                        }
                        let name = name_for(folder.external_id.as_deref(), &folder.title);
                        let name = unique(&mut self.names, dir, &name);
                        let mut inner = dir.to_vec();
                        inner.push(name);
                        path.push(id.clone());
                        self.items(&folder.items, &inner, path, out);
                        path.pop();
                    }
                    Item::Section { title, items } => {
                        let name =
                            unique(&mut self.names, dir, &crate::model::card::file_slug(title));
                        let mut inner = dir.to_vec();
                        inner.push(name);
                        self.items(items, &inner, path, out);
                    }
                }
            }
        }
    }

    let mut walk = Walk {
        bundle,
        placed: Vec::new(),
        seen_cards: HashSet::new(),
        seen_folders: HashSet::new(),
        names: HashSet::new(),
    };
    walk.items(&bundle.items, &[], &mut Vec::new(), out);
    // The legacy layout lists nothing at the top: board groups first, then
    // boards outside any group, then cards on no board. The current layout
    // lists everything, so what is left over was forgotten: say so.
    let listed_inside: HashSet<&str> = bundle
        .folders
        .values()
        .flat_map(|f| f.items.iter())
        .filter_map(|i| match i {
            Item::Folder { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let leftover_folders: Vec<Item> = bundle
        .folders
        .keys()
        .filter(|id| !walk.seen_folders.contains(*id) && !listed_inside.contains(id.as_str()))
        .map(|id| Item::Folder {
            id: id.clone(),
            at: Place {
                file: String::new(),
                span: 0..0,
            },
        })
        .collect();
    // Guru's SDK lists no top-level card in collection.yaml (its cards
    // outside folders belong at the top): an unlisted item is worth a word
    // only where the top level lists items of its kind.
    let lists_top = |card: bool| {
        bundle
            .items
            .iter()
            .any(|i| matches!(i, Item::Card { .. }) == card && !matches!(i, Item::Section { .. }))
    };
    if !bundle.legacy && lists_top(false) {
        for item in &leftover_folders {
            if let Item::Folder { id, .. } = item {
                out.push(Diagnostic::file(
                    Code::UnlistedItem,
                    bundle.files.display(&format!("folders/{id}.yaml")),
                    format!(
                        "folder `{id}` is in no list; it is imported at the top of the collection"
                    ),
                ));
            }
        }
    }
    walk.items(&leftover_folders, &[], &mut Vec::new(), out);
    let leftover_cards: Vec<String> = bundle
        .cards
        .keys()
        .filter(|id| !walk.seen_cards.contains(*id))
        .cloned()
        .collect();
    let warn_cards = !bundle.legacy && lists_top(true);
    for id in leftover_cards {
        if warn_cards {
            out.push(Diagnostic::file(
                Code::UnlistedItem,
                bundle.files.display(&format!("cards/{id}.yaml")),
                format!("card `{id}` is in no list; it is imported at the top of the collection"),
            ));
        }
        walk.seen_cards.insert(id.clone());
        walk.placed.push((id, Vec::new()));
    }
    walk.placed
}

/// A Guru card's HTML body as the Markdown `import` writes for it.
pub fn html_to_markdown(html: &str) -> String {
    markdown_of(&Body::Html(html.to_owned()), &html_converter())
}

/// Whether HTML nests deeper than the site renders raw HTML.
fn too_deep(html: &str) -> bool {
    crate::markdown::html_nesting(html, &mut 0) > crate::markdown::MAX_HTML_DEPTH
}

/// The text of HTML without its tags (character references stay, and read
/// as the characters they name).
fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = rest[open..]
            .find('>')
            .map_or("", |end| &rest[open + end + 1..]);
    }
    out.push_str(rest);
    out
}

/// The HTML-to-Markdown converter for card bodies.
fn html_converter() -> htmd::HtmlToMarkdown {
    htmd::HtmlToMarkdown::builder()
        .options(htmd::options::Options {
            bullet_list_marker: htmd::options::BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            hr_style: htmd::options::HrStyle::Dashes,
            br_style: htmd::options::BrStyle::Backslash,
            // What Markdown cannot say stays as HTML (sanitized when the site is built).
            translation_mode: htmd::options::TranslationMode::Faithful,
            ..Default::default()
        })
        .skip_tags(vec![
            "script", "style", "iframe", "object", "embed", "form", "head",
        ])
        .build()
}

/// The Markdown of a card body: HTML converted, line endings made `\n`.
/// HTML nested deeper than vouch renders is not converted (the converter
/// recurses once per level, and 10,000 nested tags overflowed its stack):
/// its text is kept, without the tags.
fn markdown_of(body: &Body, converter: &htmd::HtmlToMarkdown) -> String {
    let text = match body {
        Body::Markdown(md) => md.clone(),
        Body::Html(html) if too_deep(html) => text_of(html),
        Body::Html(html) => converter
            .convert(html)
            .map(|md| headed_tables(&md))
            .unwrap_or_else(|_| html.clone()),
    };
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(&text)
        .replace("\r\n", "\n");
    let mut text = text.trim_end().to_owned();
    text.push('\n');
    text
}

/// Tables converted from HTML that had no header row (`<th>`) come out as
/// rows of cells with no delimiter line, which Markdown reads as text: the
/// first row becomes the header (as GitHub-flavoured converters do), so
/// each stays a table.
fn headed_tables(markdown: &str) -> String {
    let is_row = |l: &str| {
        let t = l.trim();
        t.len() >= 2 && t.starts_with('|') && t.ends_with('|')
    };
    let is_delimiter = |l: &str| {
        let t = l.trim().trim_matches('|');
        !t.is_empty()
            && t.split('|')
                .all(|c| !c.trim().is_empty() && c.trim().chars().all(|x| matches!(x, '-' | ':')))
    };
    let lines: Vec<&str> = markdown.split('\n').collect();
    let mut out = String::with_capacity(markdown.len() + 32);
    let mut i = 0;
    while i < lines.len() {
        if is_row(lines[i]) && (i == 0 || lines[i - 1].trim().is_empty()) {
            let end = (i..lines.len())
                .find(|&j| !is_row(lines[j]))
                .unwrap_or(lines.len());
            let headed = lines[i..end].iter().any(|l| is_delimiter(l));
            for (n, l) in lines[i..end].iter().enumerate() {
                out.push_str(l);
                out.push('\n');
                if n == 0 && !headed {
                    let cells = l.trim().trim_matches('|').split('|').count();
                    out.push_str(&format!("|{}\n", " --- |".repeat(cells)));
                }
            }
            i = end;
            continue;
        }
        out.push_str(lines[i]);
        if i + 1 < lines.len() {
            out.push('\n');
        }
        i += 1;
    }
    out
}

/// An existing card this importer wrote, by the ids it recorded.
fn recorded_id(card: &Card, key: &str) -> Option<String> {
    card.extra.get(key).and_then(|n| n.value.scalar_text())
}

/// A new card's text.
fn new_card(
    opts: &Options,
    title: &str,
    tags: &[String],
    id: &str,
    card: &bundle::Card,
    body: &str,
) -> String {
    let mut text = format!("---\ntitle: {}\n", quoted(title));
    match opts.owner {
        Some(owner) => text.push_str(&format!("owners: [{}]\n", quoted(owner))),
        None => text.push_str("owners: []\n"),
    }
    if opts.verified {
        text.push_str(&format!("verified: {}\n", opts.today));
    }
    if !tags.is_empty() {
        text.push_str(&tags_line(tags));
    }
    text.push_str(&format!("x-guru-id: {}\n", quoted(id)));
    if let Some(ext) = &card.external_id {
        text.push_str(&format!("x-guru-external-id: {}\n", quoted(ext)));
    }
    if let Some(url) = &card.external_url {
        text.push_str(&format!("x-guru-external-url: {}\n", quoted(url)));
    }
    text.push_str("---\n");
    text.push_str(body);
    text
}

fn tags_line(tags: &[String]) -> String {
    let list: Vec<String> = tags.iter().map(|t| quoted(t)).collect();
    format!("tags: [{}]\n", list.join(", "))
}

/// `yaml` with the top-level key's line (and its indented or `- ` list
/// continuation) replaced by `line`, or `line` added at the end.
fn replace_key(yaml: &str, key: &str, line: Option<&str>) -> String {
    let mut out = String::with_capacity(yaml.len());
    let mut replaced = false;
    let mut skipping = false;
    for l in yaml.split_inclusive('\n') {
        if skipping && (l.starts_with([' ', '\t', '-']) || l.trim().is_empty()) {
            continue;
        }
        skipping = false;
        let is_key = l
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'));
        if is_key {
            if !replaced && let Some(line) = line {
                out.push_str(line);
            }
            replaced = true;
            skipping = true;
            continue;
        }
        out.push_str(l);
    }
    if !replaced && let Some(line) = line {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// The text of an existing card with a new title, tags and body; every
/// other front-matter line as it was, except its verification when what it
/// says changed: nobody has read the new text, so `verified` and
/// `verified_by` go (or `verified` is the import day, with `--verified`).
fn updated_card(
    old: &str,
    title: &str,
    tags: &[String],
    body: &str,
    reverify: Option<Option<Date>>,
) -> Option<String> {
    let split = front_matter::split(old);
    let yaml = &old[split.yaml.clone()?];
    let title_line = format!("title: {}\n", quoted(title));
    let tags_line = (!tags.is_empty()).then(|| tags_line(tags));
    let mut yaml = replace_key(yaml, "title", Some(&title_line));
    yaml = replace_key(&yaml, "tags", tags_line.as_deref());
    if let Some(verified) = reverify {
        let line = verified.map(|day| format!("verified: {day}\n"));
        yaml = replace_key(&yaml, "verified", line.as_deref());
        yaml = replace_key(&yaml, "verified_by", None);
    }
    Some(format!("---\n{yaml}---\n{body}"))
}

pub fn import(bundle: &Bundle, ws: Option<&Workspace>, opts: &Options) -> Imported {
    let mut report = Imported::default();
    let placement = place(bundle, &mut report.diagnostics);
    let converter = html_converter();

    // Existing cards this importer made, by the ids it recorded.
    let mut by_external: HashMap<String, &Card> = HashMap::new();
    let mut by_guru_id: HashMap<String, &Card> = HashMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    // Only cards of the collection imported into: a bundle never rewrites a
    // card elsewhere in the root, whatever ids that card carries.
    let inside = format!("{}/", opts.collection);
    if let Some(ws) = ws {
        for card in ws.cards.iter().filter(|c| c.rel_path.starts_with(&inside)) {
            if let Some(id) = recorded_id(card, "x-guru-external-id") {
                by_external.insert(id, card);
            }
            if let Some(id) = recorded_id(card, "x-guru-id") {
                by_guru_id.insert(id, card);
            }
        }
    }

    // Decide every card's path first: links need them all.
    let mut targets: BTreeMap<&str, (String, Option<&Card>)> = BTreeMap::new();
    for (id, dir) in &placement {
        let card = &bundle.cards[id];
        let existing = card
            .external_id
            .as_ref()
            .and_then(|e| by_external.get(e))
            .or_else(|| by_guru_id.get(id))
            .copied();
        let rel = match existing {
            Some(found) => found.rel_path.clone(),
            None => {
                let mut segments = vec![opts.collection.to_owned()];
                segments.extend(dir.iter().cloned());
                let base = name_for(card.external_id.as_deref(), &card.title);
                let mut name = base.clone();
                let mut n = 2;
                loop {
                    let rel = format!("{}/{name}.md", segments.join("/"));
                    if !opts.root.join(&rel).exists() && taken.insert(rel.clone()) {
                        break rel;
                    }
                    name = format!("{base}-{n}");
                    n += 1;
                }
            }
        };
        taken.insert(rel.clone());
        targets.insert(id, (rel, existing));
    }

    let resource_target = |path: &str| format!("{}/{path}", opts.collection);
    for (id, (rel, existing)) in &targets {
        let card = &bundle.cards[*id];
        let markdown = markdown_of(&card.body, &converter);
        let mut warnings = Vec::new();
        if matches!(&card.body, Body::Html(html) if too_deep(html)) {
            report.diagnostics.push(
                Diagnostic::file(
                    Code::HtmlTooDeep,
                    opts.root.join(rel),
                    format!(
                        "this card's HTML nests deeper than {} elements: it was imported as plain text",
                        crate::markdown::MAX_HTML_DEPTH
                    ),
                )
                .with_help("check the card's formatting after the import"),
            );
        }
        let body = crate::markdown::rewrite_destinations(&markdown, |dest| {
            let (path, fragment) = match dest.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (dest, None),
            };
            let trimmed = path
                .trim_start_matches("./")
                .trim_start_matches("../")
                .trim_start_matches('/');
            let with_fragment = |link: String| match fragment {
                Some(f) => format!("{link}#{f}"),
                None => link,
            };
            if let Some(target) = trimmed.strip_prefix("cards/") {
                // An id may hold dots (`guide.v2`, `page.html`): the id as
                // written first, then without a file extension.
                let target = if targets.contains_key(target) {
                    target
                } else {
                    [".yaml", ".md", ".html"]
                        .iter()
                        .find_map(|ext| {
                            target
                                .strip_suffix(ext)
                                .filter(|t| targets.contains_key(*t))
                        })
                        .unwrap_or(target)
                };
                return match targets.get(target) {
                    Some((to, _)) => Some(with_fragment(relative_link(rel, to))),
                    None => {
                        warnings.push((dest.to_owned(), format!("links to card `{target}`, which is not in the bundle; the link is kept as written")));
                        None
                    }
                };
            }
            if trimmed.starts_with("resources/") {
                let Some(safe) = bundle::safe_path(trimmed) else {
                    warnings.push((dest.to_owned(), format!("links to `{dest}`, which leaves the bundle; the link is kept as written")));
                    return None;
                };
                if bundle.files.files.contains_key(&safe) {
                    return Some(with_fragment(relative_link(rel, &resource_target(&safe))));
                }
                warnings.push((
                    dest.to_owned(),
                    format!("links to `{safe}`, which is not in the bundle"),
                ));
            }
            None
        });
        let (body_file, written) = match &card.body {
            Body::Markdown(text) => (bundle.files.display(&format!("cards/{id}.md")), text),
            Body::Html(text) => (bundle.files.display(&format!("cards/{id}.html")), text),
        };
        let source = SourceText::new(written.as_str());
        for (dest, message) in warnings {
            let at = written.find(&dest).unwrap_or(0);
            report.diagnostics.push(
                Diagnostic::at(
                    Code::BrokenLink,
                    body_file.clone(),
                    &source,
                    at..at + dest.len(),
                    message,
                )
                .with_severity(Severity::Warning),
            );
        }
        let path = match crate::write::path_within(opts.root, rel) {
            Ok(path) => path,
            Err(e) => {
                report.diagnostics.push(Diagnostic::file(
                    Code::UnsafePath,
                    opts.root.join(rel),
                    format!("not written: {e}"),
                ));
                continue;
            }
        };
        match existing {
            Some(found) => {
                let mut changed = Vec::new();
                if found.title() != card.title {
                    changed.push("title");
                }
                if found.tags != card.tags {
                    changed.push("tags");
                }
                if found.source.as_str()[found.body.clone()] != body {
                    changed.push("body");
                }
                if changed.is_empty() {
                    report.unchanged.push(rel.clone());
                    continue;
                }
                // Tags say where a card is filed; a new title or body is a
                // new claim, verified by nobody yet.
                let said_changed = changed.iter().any(|c| matches!(*c, "title" | "body"));
                let reverify = said_changed.then(|| opts.verified.then_some(opts.today));
                let Some(text) = updated_card(
                    found.source.as_str(),
                    &card.title,
                    &card.tags,
                    &body,
                    reverify,
                ) else {
                    continue;
                };
                match crate::write::replace_file(&path, text.as_bytes()) {
                    Ok(()) => {
                        if said_changed && found.verified.is_some() && !opts.verified {
                            report.unverified.push(rel.clone());
                        }
                        report.updated.push((rel.clone(), changed));
                    }
                    Err(e) => report.diagnostics.push(Diagnostic::file(
                        Code::UnreadableFile,
                        path,
                        format!("cannot update this card: {e}"),
                    )),
                }
            }
            None => {
                let text = new_card(opts, &card.title, &card.tags, id, card, &body);
                let written = crate::write::create_file(&path, text.as_bytes());
                match written {
                    Ok(()) => {
                        report.created.push(rel.clone());
                        if opts.owner.is_none() {
                            report.ownerless += 1;
                        }
                    }
                    Err(e) => report.diagnostics.push(Diagnostic::file(
                        Code::UnreadableFile,
                        path,
                        format!("cannot write this card: {e}"),
                    )),
                }
            }
        }
    }

    // Resources: every file of resources/, linked or not, beside the cards.
    // Their paths were checked when the bundle was read.
    for path in &bundle.resources {
        let bytes = &bundle.files.files[path];
        let target = match crate::write::path_within(opts.root, &resource_target(path)) {
            Ok(target) => target,
            Err(e) => {
                report.diagnostics.push(Diagnostic::file(
                    Code::UnsafePath,
                    opts.root.join(resource_target(path)),
                    format!("not written: {e}"),
                ));
                continue;
            }
        };
        match fs::read(&target) {
            Ok(old) if old == *bytes => continue,
            Ok(_) => {
                report.diagnostics.push(Diagnostic::file(Code::UnlistedItem, target, "a different file is already here; it is kept, and the bundle's version is not written").with_help("move the existing file away and import again to take the bundle's version"));
                continue;
            }
            Err(_) => {}
        }
        let written = crate::write::create_file(&target, bytes);
        match written {
            Ok(()) => report.resources += 1,
            Err(e) => report.diagnostics.push(Diagnostic::file(
                Code::UnreadableFile,
                target,
                format!("cannot write this file: {e}"),
            )),
        }
    }
    report
        .diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_ids_are_never_hidden() {
        assert_eq!(name_for(Some("vouch:support/.git"), "Refunds"), "refunds");
        assert_eq!(name_for(Some("vouch:support/_x"), "Refunds"), "refunds");
        assert_eq!(name_for(Some("vouch:support/ok"), "Refunds"), "ok");
    }

    #[test]
    fn replace_key_swaps_one_key_with_its_list() {
        let yaml = "title: Old\nowners: [a]\ntags:\n  - x\n  - y\nverified: 2026-01-01\n";
        assert_eq!(
            replace_key(yaml, "tags", Some("tags: [z]\n")),
            "title: Old\nowners: [a]\ntags: [z]\nverified: 2026-01-01\n"
        );
        assert_eq!(
            replace_key(yaml, "title", Some("title: New\n")),
            "title: New\nowners: [a]\ntags:\n  - x\n  - y\nverified: 2026-01-01\n"
        );
        assert_eq!(
            replace_key("title: A\ntags: [x]\n", "tags", None),
            "title: A\n"
        );
        assert_eq!(
            replace_key("title: A\n", "tags", Some("tags: [x]\n")),
            "title: A\ntags: [x]\n"
        );
    }

    #[test]
    fn html_bodies_become_markdown() {
        let md = markdown_of(
            &Body::Html(
                "<h2>Refunds</h2><p>Ask <a href=\"cards/b\">billing</a>.</p><ul><li>one</li></ul><script>x()</script>".into(),
            ),
            &html_converter(),
        );
        assert_eq!(md, "## Refunds\n\nAsk [billing](cards/b).\n\n- one\n");
    }
}
