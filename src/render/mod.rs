//! Rendering the site: HTML pages, machine outputs and assets, written to a
//! staging folder and swapped in whole. `build` runs this after `validate`;
//! every card that could be read is published with its state, even when other
//! cards have errors.

pub mod chart;
pub mod html;
pub mod machine;
pub mod owners;
pub mod pages;
pub mod site;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;
use thiserror::Error;

use crate::load::Workspace;
use crate::validate::Checked;
use crate::write::{Staging, WriteError};

pub use site::Site;

/// Top-level names the site itself uses; a collection or root card with one of
/// these names would collide with the site's own pages.
pub const RESERVED: &[&str] = &[
    "assets",
    "tags",
    "owners",
    "freshness",
    "search",
    "404.html",
    "cards.json",
    "llms.txt",
    "sitemap.xml",
    "index.html",
];

#[derive(Debug, Error)]
pub enum BuildError {
    #[error("site template {0}")]
    Template(#[from] pages::TemplateError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// What a build wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Built {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
}

/// `site/` beside the root (`knowledge/` → `site/`), or inside it when the
/// root is the current folder.
pub fn default_output(root: &Path) -> PathBuf {
    match root.parent() {
        Some(parent) if root != Path::new(".") => parent.join("site"),
        _ => PathBuf::from("site"),
    }
}

pub fn build(
    ws: &Workspace,
    checked: &Checked,
    today: Date,
    out: &Path,
) -> Result<Built, BuildError> {
    let repo_prefix = repo_prefix(&ws.root);
    let site = Site::new(ws, checked, today, repo_prefix.as_deref());
    let pages = pages::Pages::new(&ws.root)?;
    let staging = Staging::new(out)?;
    let inside_root = inside_root(&ws.root);

    staging.create_dirs(site.cards.iter().map(|p| p.card.id.as_str()))?;
    let written: Vec<Result<(Vec<String>, u64), BuildError>> = (0..site.cards.len())
        .into_par_iter()
        .map(|i| {
            let card = site.cards[i].card;
            let (page, body) = card_page(&pages, &site, i, &inside_root)?;
            staging.write_in(&format!("{}/index.html", card.id), page.as_bytes())?;
            let raw = card.source.as_str().as_bytes();
            staging.write_in(&format!("{}.md", card.id), raw)?;
            Ok((body.assets, (page.len() + raw.len()) as u64))
        })
        .collect();
    let mut built = Built::default();
    let mut assets = BTreeSet::new();
    for result in written {
        let (card_assets, bytes) = result?;
        assets.extend(card_assets);
        built.pages += 1;
        built.files += 2;
        built.bytes += bytes;
    }
    for rel in &assets {
        staging.copy(&ws.root.join(rel), rel)?;
        built.files += 1;
    }

    let mut page_paths: Vec<String> = site
        .cards
        .iter()
        .map(|p| format!("{}/index.html", p.card.id))
        .collect();
    for (path, html) in pages.site_pages(&site)? {
        staging.write(&path, html.as_bytes())?;
        built.pages += 1;
        built.files += 1;
        built.bytes += html.len() as u64;
        if path != "404.html" {
            page_paths.push(path);
        }
    }
    for (name, content) in pages::ASSETS {
        let content = pages::override_of(&ws.root, name)?.unwrap_or_else(|| (*content).to_owned());
        write(&staging, &mut built, &format!("assets/{name}"), &content)?;
    }
    let search_files = crate::search::index::build(&site);
    staging.create_dirs(["search/t", "search/d"])?;
    let search_written: Result<Vec<u64>, WriteError> = search_files
        .par_iter()
        .map(|(path, json)| {
            staging
                .write_in(path, json.as_bytes())
                .map(|()| json.len() as u64)
        })
        .collect();
    for bytes in search_written? {
        built.files += 1;
        built.bytes += bytes;
    }
    write(
        &staging,
        &mut built,
        "cards.json",
        &machine::cards_json(&site),
    )?;
    write(&staging, &mut built, "llms.txt", &machine::llms_txt(&site))?;
    page_paths.sort();
    if let Some(sitemap) = machine::sitemap(&site, &page_paths) {
        write(&staging, &mut built, "sitemap.xml", &sitemap)?;
    }
    staging.commit()?;
    Ok(built)
}

/// Escapes text for XML and HTML: charts, the sitemap.
pub fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Whether a path under the root names a file inside it: a link may name any
/// such file, never one a symbolic link takes outside the root.
pub fn inside_root(root: &Path) -> impl Fn(&str) -> bool + Sync + '_ {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    move |rel: &str| {
        std::fs::canonicalize(root.join(rel))
            .is_ok_and(|p| p.starts_with(&canonical_root) && p.is_file())
    }
}

/// The page of the `i`-th published card, and its rendered body.
fn card_page(
    pages: &pages::Pages,
    site: &Site,
    i: usize,
    inside_root: &dyn Fn(&str) -> bool,
) -> Result<(String, html::Body), BuildError> {
    let body = html::render(site.cards[i].card, &site.index, inside_root);
    let page = pages.card(site, i, &body.html)?;
    Ok((page, body))
}

fn write(staging: &Staging, built: &mut Built, rel: &str, content: &str) -> Result<(), WriteError> {
    staging.write(rel, content.as_bytes())?;
    built.files += 1;
    built.bytes += content.len() as u64;
    Ok(())
}

/// The root's path inside its git repository, for edit and history links;
/// outside a repository the links assume the root is the repository's top.
fn repo_prefix(root: &Path) -> Option<String> {
    crate::git::Repo::discover(root)
        .ok()
        .map(|repo| repo.prefix)
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
    /// the cards it links to (their backlinks list it), and every page that
    /// lists it.
    pub fn add(&mut self, card: &crate::model::card::Card, ws: &Workspace) {
        use crate::validate::links::{Target, ids_named_by, resolve_in_site};
        let site_absolute = ws.dialect == crate::load::Dialect::TechDocs;
        self.cards.insert(card.id.clone());
        // Every id a link may name: `update` renders only those that exist,
        // so no index of all cards is needed on this hot path.
        for link in &card.outline.links {
            if let Target::Path { rel, .. } =
                resolve_in_site(&link.dest, &card.rel_path, site_absolute)
            {
                self.cards.extend(ids_named_by(&rel).map(str::to_owned));
            }
        }
        for page in [
            "index.html",
            "freshness/index.html",
            "tags/index.html",
            "owners/index.html",
        ] {
            self.pages.insert(page.to_owned());
        }
        if let Some(c) = &card.collection {
            self.pages.insert(format!("{c}/index.html"));
        }
        for tag in &card.tags {
            self.pages
                .insert(format!("tags/{}/index.html", site::tag_slug(tag)));
        }
        let registry = ws.registry.as_ref();
        for name in crate::validate::owners::effective_owners(card, ws) {
            let owner = registry.and_then(|r| r.resolve(name));
            let key = owner.map_or(name, |o| o.key.as_str());
            self.pages
                .insert(format!("{}index.html", site::owner_url(key)));
            // A person's page counts their teams' cards.
            if let Some(crate::model::owners::OwnerKind::Team { members }) = owner.map(|o| &o.kind)
            {
                for member in members {
                    self.pages
                        .insert(format!("{}index.html", site::owner_url(member)));
                }
            }
        }
    }
}

/// Re-renders only what `affected` names into `out`, a folder an earlier build
/// wrote, plus the machine outputs; files whose content did not change are not
/// rewritten. The search index is left as it was: see [`update_search`].
/// Returns how many files were written.
pub fn update(
    ws: &Workspace,
    checked: &Checked,
    today: Date,
    out: &Path,
    affected: &Affected,
) -> Result<usize, BuildError> {
    let live = crate::write::LiveDir::open(out)?;
    let repo_prefix = repo_prefix(&ws.root);
    let site = Site::new(ws, checked, today, repo_prefix.as_deref());
    let pages = pages::Pages::new(&ws.root)?;
    let inside_root = inside_root(&ws.root);
    let mut written = 0;
    for (i, p) in site.cards.iter().enumerate() {
        if !affected.cards.contains(&p.card.id) {
            continue;
        }
        let (page, body) = card_page(&pages, &site, i, &inside_root)?;
        written += usize::from(live.write(&format!("{}/index.html", p.card.id), page.as_bytes())?);
        written += usize::from(live.write(
            &format!("{}.md", p.card.id),
            p.card.source.as_str().as_bytes(),
        )?);
        for rel in &body.assets {
            if let Ok(bytes) = std::fs::read(ws.root.join(rel)) {
                written += usize::from(live.write(rel, &bytes)?);
            }
        }
    }
    for (path, html) in pages.site_pages_where(&site, &|path| affected.pages.contains(path))? {
        written += usize::from(live.write(&path, html.as_bytes())?);
    }
    written += usize::from(live.write("cards.json", machine::cards_json(&site).as_bytes())?);
    written += usize::from(live.write("llms.txt", machine::llms_txt(&site).as_bytes())?);
    Ok(written)
}

/// Rewrites the search index of the site in `out` (after [`update`]).
pub fn update_search(
    ws: &Workspace,
    checked: &Checked,
    today: Date,
    out: &Path,
) -> Result<usize, BuildError> {
    let live = crate::write::LiveDir::open(out)?;
    let site = Site::new(ws, checked, today, None);
    let mut written = 0;
    for (path, json) in crate::search::index::build(&site) {
        written += usize::from(live.write(&path, json.as_bytes())?);
    }
    Ok(written)
}
