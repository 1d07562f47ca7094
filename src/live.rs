//! A built site kept in step with its knowledge root, change by change: the
//! engine behind `vouch serve`. An edit of a card the site already has is
//! applied in place — the card re-read, the model resolved and checked
//! again, the pages the edit touches re-rendered, and the pages the site no
//! longer has (a tag's, an owner's, a collection's, a card's that became a
//! draft) removed; any other change (a card added, removed or unreadable,
//! configuration, templates) rebuilds the whole site.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::diagnostic::Diagnostic;
use crate::load::LoadError;
use crate::model::card;
use crate::render::{self, Affected, BuildError};
use crate::resolve::Root;
use crate::validate::{self, Checked};
use crate::write::LiveDir;

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Build(#[from] BuildError),
}

/// The site in `out` and the root it was built from.
pub struct Live {
    root: Root,
    out: PathBuf,
    checked: Checked,
    /// The site folder, as updates write it.
    dir: LiveDir,
    /// Every file the site has.
    paths: BTreeSet<String>,
    /// The search index's cards as last tokenized.
    search: render::SearchCache,
}

/// What one change did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// The whole site was rebuilt.
    pub full: bool,
    /// Files written (only those whose bytes changed, for an update).
    pub written: usize,
    /// Files removed.
    pub removed: usize,
}

impl Live {
    /// Loads and checks `root` and builds its site into `out`.
    pub fn build(root: &Path, out: &Path, today: Date) -> Result<Live, LiveError> {
        let opened = Root::open(root, true)?;
        let model = opened.model(today);
        let checked = validate::check(&model, &opened.history);
        let built = render::build(&model, out)?;
        drop(model);
        Ok(Live {
            root: opened,
            out: out.to_path_buf(),
            dir: LiveDir::open(out).map_err(BuildError::from)?,
            checked,
            paths: built.paths,
            search: Default::default(),
        })
    }

    /// The latest check of the root.
    pub fn checked(&self) -> &Checked {
        &self.checked
    }

    /// Every file the site has now, by path in it.
    pub fn paths(&self) -> &BTreeSet<String> {
        &self.paths
    }

    /// Applies a change to the files `changed` (absolute or as the watcher
    /// reports them): in place when every one is an edit of a card the site
    /// already has, else by a full rebuild. The search index is brought up
    /// to date by [`Live::update_search`], so a page can reload first.
    pub fn update(&mut self, changed: &[PathBuf], today: Date) -> Result<Change, LiveError> {
        crate::timing::start();
        match self.edits(changed) {
            Some(edits) => self.apply(edits, today),
            None => {
                let root = self.root.ws.root.clone();
                *self = Live::build(&root, &self.out, today)?;
                Ok(Change {
                    full: true,
                    written: self.paths.len(),
                    removed: 0,
                })
            }
        }
    }

    /// Rewrites the search index after an in-place update; `None`, with
    /// nothing written, when `superseded` says a newer change came first
    /// (the index is then rebuilt after that one).
    pub fn update_search(
        &mut self,
        today: Date,
        superseded: &(dyn Fn() -> bool + Sync),
    ) -> Result<Option<Change>, LiveError> {
        let model = self.root.model(today);
        let Some(done) =
            render::update_search(&model, &self.dir, &self.paths, superseded, &mut self.search)?
        else {
            return Ok(None);
        };
        self.paths = done.paths;
        Ok(Some(Change {
            full: false,
            written: done.written,
            removed: done.removed,
        }))
    }

    /// The cards `changed` holds, re-read, when every path is a card the
    /// root already has and each still reads as a card.
    fn edits(&self, changed: &[PathBuf]) -> Option<Vec<(usize, card::Card, Vec<Diagnostic>)>> {
        let ws = &self.root.ws;
        let root = fs::canonicalize(&ws.root).ok()?;
        let mut edits = Vec::new();
        let read_other = |rel: &str| crate::load::read_text(&ws.root, rel);
        for path in changed {
            let rel = path
                .strip_prefix(&root)
                .or_else(|_| path.strip_prefix(&ws.root))
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            let index = ws.cards.iter().position(|c| c.rel_path == rel)?;
            let bytes = fs::read(path).ok()?;
            // The card keeps the id loading gave it (a tech-docs page beside
            // its folder is the folder's page).
            let known = ws.cards[index].id.clone();
            let bare_folder = move |id: &str| known == format!("{id}/index");
            let reading = card::Reading {
                templates: &ws.templates,
                dialect: ws.dialect,
                read: &read_other,
                bare_folder: &bare_folder,
            };
            let (Some(card), diagnostics) = card::parse(&rel, ws.display(&rel), bytes, &reading)
            else {
                return None;
            };
            edits.push((index, card, diagnostics));
        }
        Some(edits)
    }

    fn apply(
        &mut self,
        edits: Vec<(usize, card::Card, Vec<Diagnostic>)>,
        today: Date,
    ) -> Result<Change, LiveError> {
        let ws = &mut self.root.ws;
        let mut affected = Affected::default();
        for (index, card, diagnostics) in edits {
            affected.add(&ws.cards[index], ws);
            let file = card.file.clone();
            ws.diagnostics.retain(|d| d.file != file);
            ws.diagnostics.extend(diagnostics);
            ws.cards[index] = card;
            affected.add(&ws.cards[index], ws);
        }
        crate::timing::mark("edits");
        let model = self.root.model(today);
        crate::timing::mark("model");
        // The pages and the check side by side: the check only feeds the
        // report and the error overlay, so it must not hold a page back.
        let history = &self.root.history;
        let (done, checked) = rayon::join(
            || render::update(&model, &self.dir, &affected, &self.paths),
            || validate::check(&model, history),
        );
        let done = done?;
        self.checked = checked;
        crate::timing::mark("check");
        self.paths = done.paths;
        Ok(Change {
            full: false,
            written: done.written,
            removed: done.removed,
        })
    }
}
