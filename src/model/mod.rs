//! The data model: configuration, owners, collections, templates and cards,
//! read from YAML with every problem reported at its position.

pub mod card;
pub mod collection;
pub mod config;
pub mod fields;
pub mod interval;
pub mod owners;
pub mod techdocs;
pub mod template;

/// Whose conventions a root follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// A vouch knowledge root.
    #[default]
    Vouch,
    /// The `source/` folder of a tech-docs-gem (Middleman) repository: page
    /// keys other than the gem's are the site's own data for its layouts,
    /// `type:` is such a key unless it names a card template, and
    /// site-absolute links name paths under the root.
    TechDocs,
}
