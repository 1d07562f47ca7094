//! Rendering the site: HTML pages, machine outputs and assets, written to a
//! staging folder and swapped in whole. `build` runs this after `validate`;
//! every card that could be read is published with its state, even when other
//! cards have errors.

pub use crate::markdown::{escape_html, write_escaped};
pub mod chart;
pub mod compiled;
pub mod html;
pub mod i18n;
pub mod machine;
pub mod owners;
pub mod pages;
pub mod site;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use thiserror::Error;

use crate::load::Workspace;
use crate::model::card::Card;
use crate::resolve::{Model, urls};
use crate::write::{LiveDir, Staging, WriteError};

/// What `vouch serve` keeps of the search index between its rebuilds.
pub use crate::search::index::Cache as SearchCache;
pub use site::Site;

#[derive(Debug, Error)]
pub enum BuildError {
    #[error("site template {0}")]
    Template(#[from] pages::TemplateError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// What a build wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Built {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// Every file of the site, by path in it.
    pub paths: BTreeSet<String>,
}

/// `site/` beside the root (`knowledge/` → `site/`), or inside it when the
/// root is the current folder.
pub fn default_output(root: &Path) -> PathBuf {
    match root.parent() {
        Some(parent) if root != Path::new(".") => parent.join("site"),
        _ => PathBuf::from("site"),
    }
}

/// Writes the whole site of `model` into `out`, swapped in at the end.
/// The search index is built beside the pages (it needs the model, not the
/// rendered site), so the serial parts of either keep both cores busy.
pub fn build(model: &Model, out: &Path) -> Result<Built, BuildError> {
    crate::write::check_output(out, &model.ws.root)?;
    let staging = Staging::new(out)?;
    let (pages, search) = rayon::join(
        || write_pages(model, &staging),
        || write_search(model, &staging),
    );
    let mut built = pages?;
    let (bytes, paths) = search?;
    built.files += paths.len();
    built.bytes += bytes;
    built.paths.extend(paths);
    staging.commit()?;
    crate::timing::mark("commit");
    Ok(built)
}

/// Every page of the site, the raw cards, linked files and machine outputs.
fn write_pages(model: &Model, staging: &Staging) -> Result<Built, BuildError> {
    let ws = model.ws;
    let site = Site::new(model);
    let pages = pages::Pages::new(&site)?;
    let mut built = Built::default();
    crate::timing::mark("site");

    staging.create_dirs(site.cards.iter().map(|p| p.url.trim_end_matches('/')))?;
    let written: Vec<Result<u64, BuildError>> = (0..site.cards.len())
        .into_par_iter()
        .map(|i| {
            let p = &site.cards[i];
            let (page, _) = card_page(&pages, &site, i)?;
            staging.write_in(&urls::file_of(&p.url), page.as_bytes())?;
            let raw = p.card.source.as_str().as_bytes();
            staging.write_in(&urls::card_markdown(&p.card.id), raw)?;
            Ok((page.len() + raw.len()) as u64)
        })
        .collect();
    for result in written {
        built.bytes += result?;
        built.pages += 1;
        built.files += 2;
    }
    for p in &site.cards {
        built.paths.insert(urls::file_of(&p.url));
        built.paths.insert(urls::card_markdown(&p.card.id));
    }
    crate::timing::mark("card pages");
    let root = crate::load::open_root(&ws.root).map_err(crate::write::io_err(&ws.root))?;
    for rel in model.linked_files() {
        let bytes = crate::load::read_linked(&root, rel)
            .map_err(crate::write::io_err(&ws.root.join(rel)))?;
        staging.write(rel, &bytes)?;
        built.files += 1;
        built.paths.insert(rel.to_owned());
    }

    // The machine outputs are written while the site's pages render.
    let (site_pages, machine) = rayon::join(
        || -> Result<_, BuildError> {
            let bytes = std::sync::atomic::AtomicU64::new(0);
            let site_pages = pages.site_pages_where(&site, &|_| true, &|path, html| {
                staging.write(path, html.as_bytes())?;
                bytes.fetch_add(html.len() as u64, std::sync::atomic::Ordering::Relaxed);
                Ok(())
            })?;
            Ok((site_pages, bytes.into_inner()))
        },
        || -> Result<_, BuildError> {
            let files = own_files(&site, &pages)?;
            write_each(&files, |path, bytes| staging.write(path, bytes))?;
            Ok(files)
        },
    );
    let (site_pages, bytes) = site_pages?;
    let mut machine = machine?;
    if let Some((path, sitemap)) = sitemap_file(&site, &site_pages.paths) {
        staging.write(&path, sitemap.as_bytes())?;
        machine.push((path, sitemap));
    }
    built.bytes += bytes;
    built.pages += site_pages.rendered;
    built.files += site_pages.rendered;
    built.paths.extend(site_pages.paths.iter().cloned());
    for (path, content) in machine {
        built.files += 1;
        built.bytes += content.len() as u64;
        built.paths.insert(path);
    }
    crate::timing::mark("machine files");
    Ok(built)
}

/// Writes `files` (path in the site, content) in parallel with `write`:
/// the bytes of each, in order.
fn write_each(
    files: &[(String, String)],
    write: impl Fn(&str, &[u8]) -> Result<(), WriteError> + Sync,
) -> Result<Vec<u64>, WriteError> {
    files
        .par_iter()
        .map(|(path, content)| write(path, content.as_bytes()).map(|()| content.len() as u64))
        .collect()
}

/// Writes the search index's files as they are made: their bytes in all,
/// and their paths.
fn write_search(model: &Model, staging: &Staging) -> Result<(u64, Vec<String>), WriteError> {
    staging.create_dirs(crate::search::index::FOLDERS.iter().copied())?;
    let (mut bytes, mut paths) = (0, Vec::new());
    crate::search::index::build_into(model, &|| false, None, &mut |path, json| {
        staging.write_in(&path, json.as_bytes())?;
        bytes += json.len() as u64;
        paths.push(path);
        Ok(())
    })?;
    crate::timing::mark("search index");
    Ok((bytes, paths))
}

/// The files beside the pages: the style sheet and scripts, `cards.json`,
/// `llms.txt`, the totals and `.nojekyll` (the sitemap, which lists the
/// pages, is [`sitemap_file`]).
fn own_files(site: &Site, pages: &pages::Pages) -> Result<Vec<(String, String)>, BuildError> {
    let mut out = Vec::new();
    // The scripts get the site's words where they ask for them.
    let words = serde_json::to_string(&pages.words().entries()).unwrap_or_else(|_| "{}".to_owned());
    for (name, content) in pages::ASSETS {
        let content =
            pages::override_of(&site.ws.root, name)?.unwrap_or_else(|| (*content).to_owned());
        let content = content.replace(pages::WORDS_MARK, &words);
        out.push((format!("{}{name}", urls::ASSETS), content));
    }
    let ((cards, llms), totals) = rayon::join(
        || rayon::join(|| machine::cards_json(site), || machine::llms_txt(site)),
        || machine::totals_json(site),
    );
    out.push((urls::TOTALS.to_owned(), totals));
    out.push((urls::CARDS_JSON.to_owned(), cards));
    out.push((urls::LLMS_TXT.to_owned(), llms));
    out.push((urls::NOJEKYLL.to_owned(), String::new()));
    Ok(out)
}

/// `sitemap.xml` (with `base_url`): every card's page and the site's own
/// `site_pages` but the 404 page.
fn sitemap_file(site: &Site, site_pages: &[String]) -> Option<(String, String)> {
    let mut page_paths: Vec<String> = site
        .cards
        .iter()
        .map(|p| urls::file_of(&p.url))
        .chain(site_pages.iter().filter(|p| *p != urls::NOT_FOUND).cloned())
        .collect();
    page_paths.sort();
    machine::sitemap(site, &page_paths).map(|sitemap| (urls::SITEMAP.to_owned(), sitemap))
}

/// The page of the `i`-th published card, and its rendered body.
fn card_page(
    pages: &pages::Pages,
    site: &Site,
    i: usize,
) -> Result<(String, html::Body), BuildError> {
    let body = html::render(site.cards[i].entry, site.model);
    let page = pages.card(site, i, &body.html)?;
    Ok((page, body))
}

/// What a change to some cards asks to re-render: card pages by id, and
/// other pages by path in the site.
#[derive(Debug, Default, Clone)]
pub struct Affected {
    pub cards: BTreeSet<String>,
    pub pages: BTreeSet<String>,
}

impl Affected {
    /// Records `card` (as it was before a change, or is after it): its page,
    /// the cards it links to (their backlinks and related cards list it),
    /// its neighbours in its collection, the cards sharing a tag with it, and
    /// every page that lists it. A card that links to it lists it among its
    /// related cards too but is not found here (that needs every card's
    /// links): its page follows at the next full build.
    pub fn add(&mut self, card: &Card, ws: &Workspace) {
        use crate::resolve::links::ids_named_by;
        use crate::urlpath::{Target, resolve_in_site};
        let site_absolute = ws.dialect == crate::model::Dialect::TechDocs;
        self.cards.insert(card.id.clone());
        // Every id a link may name: `update` renders only those that exist,
        // so no index of all cards is needed on this hot path.
        for link in &card.outline.links {
            if let Target::Path { rel, .. } =
                resolve_in_site(&link.dest, &card.rel_path, site_absolute)
            {
                self.cards.extend(ids_named_by(&rel).map(str::to_owned));
                self.cards
                    .insert(format!("{}/index", rel.trim_end_matches('/')));
            }
        }
        for page in ["", urls::FRESHNESS, urls::TAGS, urls::OWNERS] {
            self.pages.insert(urls::file_of(page));
        }
        if let Some(c) = &card.collection {
            // The collection's page and every folder's page above the card
            // (an index card's, or the folder's own) list it.
            let mut folder = crate::resolve::parent_folder(&card.id);
            while folder.len() >= c.len() && !folder.is_empty() {
                self.pages.insert(urls::file_of(&urls::folder_page(folder)));
                self.cards.insert(format!("{folder}/index"));
                self.cards.insert(folder.to_owned());
                folder = crate::resolve::parent_folder(folder);
            }
            // Its previous and next cards in the collection name it.
            let in_collection = |other: &&Card| {
                other.collection.as_deref() == Some(c.as_str()) && other.id != card.id
            };
            let before = ws
                .cards
                .iter()
                .filter(in_collection)
                .filter(|o| o.id < card.id)
                .map(|o| &o.id)
                .max();
            let after = ws
                .cards
                .iter()
                .filter(in_collection)
                .filter(|o| o.id > card.id)
                .map(|o| &o.id)
                .min();
            self.cards.extend(before.into_iter().chain(after).cloned());
        }
        for tag in &card.tags {
            self.pages.insert(urls::file_of(&urls::tag_page(tag)));
            // Cards sharing a tag list it among their related cards, unless
            // the tag is too broad to count.
            let slug = urls::tag_slug(tag);
            let peers: Vec<&str> = ws
                .cards
                .iter()
                .filter(|o| o.tags.iter().any(|t| urls::tag_slug(t) == slug))
                .map(|o| o.id.as_str())
                .take(site::BROAD_TAG + 1)
                .collect();
            if peers.len() <= site::BROAD_TAG {
                self.cards.extend(peers.into_iter().map(str::to_owned));
            }
        }
        let names = crate::resolve::owners::effective_owners(card, ws);
        for owner in crate::resolve::owners::resolve_all(&names, ws) {
            self.pages
                .insert(urls::file_of(&urls::owner_page(owner.key())));
            // A person's page counts their teams' cards.
            if let Some(crate::model::owners::OwnerKind::Team { members }) =
                owner.owner().map(|o| &o.kind)
            {
                for member in members {
                    self.pages.insert(urls::file_of(&urls::owner_page(member)));
                }
            }
        }
    }
}

/// What an update did to the site's files.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Updated {
    pub written: usize,
    pub removed: usize,
    /// Every file the site has now.
    pub paths: BTreeSet<String>,
}

/// Brings the site in `live` (which an earlier build wrote, holding the files
/// `known`) in step with `model`: re-renders the pages `affected` names and
/// the machine outputs, writes only files whose bytes changed, and removes
/// the files the site no longer has (a tag's page when its last card lost
/// the tag, a card's page when it became a draft). The search index is
/// left as it was: see [`update_search`].
pub fn update(
    model: &Model,
    live: &LiveDir,
    affected: &Affected,
    known: &BTreeSet<String>,
) -> Result<Updated, BuildError> {
    let ws = model.ws;
    let site = Site::new(model);
    crate::timing::mark("site");
    let pages = pages::Pages::new(&site)?;
    let mut done = Updated::default();
    // The pages that changed first: the saved card's page is what its
    // writer is waiting for.
    let mut listed = Vec::with_capacity(2 * site.cards.len());
    for (i, p) in site.cards.iter().enumerate() {
        let page_file = urls::file_of(&p.url);
        let markdown = urls::card_markdown(&p.card.id);
        let new = !known.contains(&page_file);
        if new || affected.cards.contains(&p.card.id) {
            let (page, _) = card_page(&pages, &site, i)?;
            done.written += usize::from(live.write(&page_file, page.as_bytes())?);
            done.written += usize::from(live.write(&markdown, p.card.source.as_str().as_bytes())?);
        }
        listed.push(page_file);
        listed.push(markdown);
    }
    done.paths.extend(listed);
    crate::timing::mark("card pages");
    // A linked file that changed on disk is not a card edit (`serve`
    // rebuilds everything then): only files new to the site are copied.
    let root = crate::load::open_root(&ws.root).ok();
    for rel in model.linked_files() {
        if !known.contains(rel)
            && let Some(root) = &root
            && let Ok(bytes) = crate::load::read_linked(root, rel)
        {
            done.written += usize::from(live.write(rel, &bytes)?);
        }
        done.paths.insert(rel.to_owned());
    }
    let written = std::sync::atomic::AtomicUsize::new(0);
    let site_pages = pages.site_pages_where(
        &site,
        &|path| affected.pages.contains(path) || !known.contains(path),
        &|path, html| {
            let wrote = live.write(path, html.as_bytes())?;
            written.fetch_add(usize::from(wrote), std::sync::atomic::Ordering::Relaxed);
            Ok(())
        },
    )?;
    crate::timing::mark("site pages");
    done.written += written.into_inner();
    let sitemap = sitemap_file(&site, &site_pages.paths);
    for (path, content) in own_files(&site, &pages)?.into_iter().chain(sitemap) {
        done.written += usize::from(live.write(&path, content.as_bytes())?);
        done.paths.insert(path);
    }
    done.paths.extend(site_pages.paths);
    for path in known {
        if crate::search::index::is_index_file(path) {
            done.paths.insert(path.clone());
        } else if !done.paths.contains(path) {
            done.removed += usize::from(live.remove(path)?);
        }
    }
    Ok(done)
}

/// Rewrites the search index of the site in `live` (after [`update`]),
/// re-tokenizing only the cards `cache` does not hold as they are now, and
/// removes index files it no longer has; `None`, having written nothing,
/// when `superseded` says a newer change arrived before the index was ready.
pub fn update_search(
    model: &Model,
    live: &LiveDir,
    known: &BTreeSet<String>,
    superseded: &(dyn Fn() -> bool + Sync),
    cache: &mut SearchCache,
) -> Result<Option<Updated>, BuildError> {
    let mut done = Updated::default();
    let Some(files) = crate::search::index::build_unless(model, superseded, Some(cache)) else {
        return Ok(None);
    };
    for (path, json) in files {
        done.written += usize::from(live.write(&path, json.as_bytes())?);
        done.paths.insert(path);
    }
    for path in known {
        if !crate::search::index::is_index_file(path) {
            done.paths.insert(path.clone());
        } else if !done.paths.contains(path) {
            done.removed += usize::from(live.remove(path)?);
        }
    }
    Ok(Some(done))
}
