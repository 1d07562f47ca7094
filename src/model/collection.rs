//! `_collection.yaml`: optional settings of a top-level folder.

use std::ops::Range;
use std::path::PathBuf;

use crate::model::fields::{self, Fields, Reporter};
use crate::model::interval::Interval;
use crate::source::SourceText;
use crate::yaml::Node;

#[derive(Debug, Clone)]
pub struct Collection {
    /// The folder name, which is also the first segment of its cards' ids.
    pub key: String,
    /// Its `title`, else its index card's title (see `load`), else its
    /// folder's name as written.
    pub title: String,
    /// Whether `_collection.yaml` set the title.
    pub titled: bool,
    pub description: Option<String>,
    /// Owners of cards that name none, with their positions in this file.
    pub owners: Vec<(String, Range<usize>)>,
    pub verify_every: Option<(Interval, Range<usize>)>,
    /// The `_collection.yaml` file, when there is one, for diagnostics.
    pub file: Option<(PathBuf, SourceText)>,
}

const KEYS: &[&str] = &["title", "description", "owners", "verify_every"];

/// Whether `name` can name a collection: one folder name, not hidden
/// (`.x`) and not one of vouch's own (`_x`).
pub fn is_key(name: &str) -> bool {
    !name.is_empty() && !name.contains(['/', '\\', '\0']) && !name.starts_with(['.', '_'])
}

impl Collection {
    /// A collection with no `_collection.yaml`: titled by its folder's name
    /// as written (`cs`, `support-he`), which no rule of English capitals
    /// can improve on in every language.
    pub fn bare(key: &str) -> Collection {
        Collection {
            key: key.to_owned(),
            title: key.to_owned(),
            titled: false,
            description: None,
            owners: Vec::new(),
            verify_every: None,
            file: None,
        }
    }

    pub fn from_yaml(key: &str, node: &Node, reporter: &mut Reporter) -> Collection {
        let mut c = Collection::bare(key);
        let mut f = Fields::of(node, "_collection.yaml", reporter);
        if let Some(title) = f.take("title").and_then(|(_, v)| fields::text(v, reporter)) {
            c.title = title;
            c.titled = true;
        }
        c.description = f
            .take("description")
            .and_then(|(_, v)| fields::text(v, reporter));
        if let Some((_, v)) = f.take("owners") {
            c.owners = fields::text_list(v, reporter);
        }
        if let Some((_, v)) = f.take("verify_every") {
            c.verify_every = fields::interval(v, reporter).map(|i| (i, v.span.clone()));
        }
        f.report_unknown(KEYS, "_collection.yaml", reporter);
        c.file = Some((reporter.file.clone(), reporter.source.clone()));
        c
    }
}
