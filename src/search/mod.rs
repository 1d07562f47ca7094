//! Full-text search: an index built at `vouch build` time and split into small
//! files, so the browser fetches only what a query needs, and a client of
//! vouch's own (`templates/site/search.js`) that reads it.
//!
//! Layout under `search/` in the site:
//! - `meta.json`: the stemmer rules, the shard list, and one compact row of
//!   facets per card (collection, owners, tags, language, due offsets) so
//!   filters work without fetching anything else;
//! - `t/<hex of prefix>.json`: postings of every term with that prefix, as
//!   `[doc, weight, doc delta, weight, …]`;
//! - `d/<n>.json`: titles, URLs and excerpts of cards `n·16 … n·16+15`,
//!   fetched only for the results shown.

pub mod index;
pub mod tokenize;
