//! The data model: configuration, owners, collections, templates and cards,
//! read from YAML with every problem reported at its position.

pub mod card;
pub mod collection;
pub mod config;
pub mod fields;
pub mod interval;
pub mod owners;
pub mod template;
