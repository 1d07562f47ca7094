//! Full-text search: an index built at `vouch build` time and split into small
//! files, so the browser fetches only what a query needs, and a client of
//! vouch's own (`templates/site/search.js`) that reads it.
//!
//! Layout under `_/search/` in the site (format `v: 3`):
//! - `meta.json`: the stemmer rules, stop words and Hebrew prefix letters,
//!   the shard list, the names of facet values (collections, owners, tags,
//!   languages) and which state-change files exist; its size grows with the
//!   vocabulary, not with the cards. The search page preloads it with the
//!   page itself;
//! - `t/<hex of prefix>.json`: postings of every term with that prefix, as
//!   `[doc delta, value, …]`, where a value is
//!   `(round(weight·100)·2 + in title)·4 + trust` (weight: the card's BM25F
//!   weight for the term, 0–1; trust: 0 fresh or expiring, 1 stale or
//!   unverified, 2 archived, as of the build; see `index::value`);
//! - `f/<c|o|t|l>/<n>.json`: the cards of the `n`-th collection, owner, tag
//!   or language, and `f/s/<state>.json` the cards in a state at the build,
//!   as runs `[gap, length, …]`; fetched only when a filter asks;
//! - `w/<k>.json`: cards whose state changes on days `7k+1 … 7k+7` after the
//!   build, as `[doc delta, due offset, expiring offset, …]`, fetched only
//!   once those days have come;
//! - `d/<n>.json`: titles, URLs, excerpts, state and due offsets of cards
//!   `n·16 … n·16+15`, fetched only for the results shown.
//! - `x/<n>.json`: card `n`'s sections as `[[anchor, heading, text], …]`
//!   (texts cut short), fetched for the first ten results shown, whose
//!   snippet is the section with most of the query's words, linked by its
//!   anchor.
//!
//! Cards are numbered by folded title, then id, so that ties (and the
//! lists of filters without words) come in title order.
//!
//! A query costs two sequential round trips: term shards with any facet and
//! state-change files, then the chunks and passages of the results shown (a
//! misspelt word adds one, for its neighbouring shards).

pub mod index;
pub mod tokenize;
