//! Building the search files from the site's published cards.
//!
//! elasticlunr-rs builds one inverted index per language (its terms come from
//! [`tokenize::terms`], its own pipeline left empty); vouch then merges them,
//! weights each posting by field (title above tags above headings above body)
//! and writes the postings in shards by term prefix.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use crate::markdown::plain_text;
use crate::resolve::freshness::expiring_from;
use crate::resolve::{Badge, Entry, Model, urls};
use crate::search::tokenize::{self, ENGLISH, PORTUGUESE, Rule, SPANISH, terms};

/// Field boosts, in the order fields are given to elasticlunr.
pub const FIELDS: &[(&str, f64)] = &[
    ("title", 10.0),
    ("tags", 6.0),
    ("headings", 4.0),
    ("body", 1.0),
];
/// Cards per document chunk.
pub const CHUNK: usize = 16;
/// A shard larger than this (bytes of JSON) is split by a longer prefix.
const SHARD_BUDGET: usize = 24 * 1024;
/// Cards per elasticlunr index (see `build`).
const BATCH: usize = 128;
/// Characters of body text kept per card for snippets.
const EXCERPT: usize = 240;

/// One file of the search index, as (path under the site, content).
pub type SearchFile = (String, String);

/// The folders the index files live in.
pub const FOLDERS: &[&str] = &["_/search/t", "_/search/d"];

/// Whether a path of the site is a file of the search index.
pub fn is_index_file(path: &str) -> bool {
    path.starts_with(urls::SEARCH_INDEX) && path.ends_with(".json")
}

struct Doc {
    lang_key: &'static str,
    fields: [String; 4],
}

/// elasticlunr's language hook: vouch's tokenizer, no pipeline.
struct Terms(&'static str);

impl elasticlunr::Language for Terms {
    fn name(&self) -> String {
        format!("vouch-{}", self.0)
    }

    fn code(&self) -> String {
        self.0.to_owned()
    }

    fn tokenize(&self, text: &str) -> Vec<String> {
        terms(text, self.0)
    }

    fn make_pipeline(&self) -> elasticlunr::Pipeline {
        elasticlunr::Pipeline { queue: Vec::new() }
    }
}

#[derive(serde::Deserialize)]
struct Exported {
    index: BTreeMap<String, serde_json::Value>,
}

/// Walks elasticlunr's serialized trie (one object per character, `docs`
/// holding `{ref: {tf}}` where a term ends) and collects every term's postings.
fn walk(node: &serde_json::Value, prefix: &mut String, out: &mut Vec<(String, Vec<(usize, f64)>)>) {
    let Some(object) = node.as_object() else {
        return;
    };
    for (key, child) in object {
        if key == "docs" {
            let postings: Vec<(usize, f64)> = child
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(r, tf)| Some((r.parse().ok()?, tf.get("tf")?.as_f64()?)))
                .collect();
            if !postings.is_empty() {
                out.push((prefix.clone(), postings));
            }
            continue;
        }
        let mut chars = key.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            continue; // "df" and other bookkeeping keys
        };
        prefix.push(c);
        walk(child, prefix, out);
        prefix.pop();
    }
}

/// Postings of one language group: term → [(doc, weight)].
fn index_group(lang: &'static str, docs: &[(usize, &Doc)]) -> HashMap<String, Vec<(usize, f64)>> {
    let mut builder =
        elasticlunr::IndexBuilder::with_language(Box::new(Terms(lang))).save_docs(false);
    for (name, _) in FIELDS {
        builder = builder.add_field(name);
    }
    let mut index = builder.build();
    for (i, doc) in docs {
        index.add_doc(&i.to_string(), doc.fields.iter().map(String::as_str));
    }
    let exported: Exported = serde_json::from_str(&index.to_json()).unwrap_or(Exported {
        index: BTreeMap::new(),
    });
    let mut merged: HashMap<String, HashMap<usize, f64>> = HashMap::new();
    for (field, inverted) in exported.index {
        let Some(trie) = inverted.get("root") else {
            continue;
        };
        let boost = FIELDS
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(1.0, |(_, b)| *b);
        let mut found = Vec::new();
        walk(trie, &mut String::new(), &mut found);
        for (term, postings) in found {
            let entry = merged.entry(term).or_default();
            for (doc, tf) in postings {
                *entry.entry(doc).or_default() += boost * tf;
            }
        }
    }
    merged
        .into_iter()
        .map(|(term, docs)| (term, docs.into_iter().collect()))
        .collect()
}

#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    /// The build date; due offsets count days from it.
    built: String,
    n: usize,
    chunk: usize,
    /// Term prefixes that have a shard, sorted.
    shards: Vec<String>,
    stemmers: BTreeMap<&'static str, &'static [&'static [Rule]]>,
    cjk: &'static [(u32, u32)],
    langs: Vec<&'a str>,
    collections: Vec<(&'a str, &'a str)>,
    owners: Vec<(&'a str, &'a str)>,
    tags: Vec<(&'a str, &'a str)>,
    /// Per card: [collection, language, state, due offset, expiring offset, owners, tags].
    docs: Vec<serde_json::Value>,
}

/// The files of the search index.
pub fn build(model: &Model) -> Vec<SearchFile> {
    let cards: Vec<&Entry> = model.published.iter().map(|&i| &model.cards[i]).collect();
    let docs: Vec<Doc> = cards
        .par_iter()
        .map(|p| {
            let text = p.card.source.as_str();
            let lang_key = tokenize::stemmer(&p.lang).map_or("none", |(k, _)| k);
            Doc {
                lang_key,
                fields: [
                    p.card.title().to_owned(),
                    p.card.tags.join(" "),
                    p.card
                        .outline
                        .headings
                        .iter()
                        .map(|h| h.text.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    plain_text(text, p.card.body.clone()),
                ],
            }
        })
        .collect();

    // elasticlunr keeps its index as a trie of maps and hands it over only as
    // JSON; indexing a whole site at once held 1.2 GB for 10,000 cards. Small
    // batches per language keep memory flat and use both cores.
    let mut groups: BTreeMap<&'static str, Vec<(usize, &Doc)>> = BTreeMap::new();
    for (i, doc) in docs.iter().enumerate() {
        groups.entry(doc.lang_key).or_default().push((i, doc));
    }
    let batches: Vec<(&'static str, &[(usize, &Doc)])> = groups
        .iter()
        .flat_map(|(lang, group)| group.chunks(BATCH).map(move |batch| (*lang, batch)))
        .collect();
    let indexed: Vec<HashMap<String, Vec<(usize, f64)>>> = batches
        .into_par_iter()
        .map(|(lang, batch)| index_group(lang, batch))
        .collect();
    let mut postings: BTreeMap<String, Vec<(usize, f64)>> = BTreeMap::new();
    for group in indexed {
        for (term, mut list) in group {
            postings.entry(term).or_default().append(&mut list);
        }
    }

    let mut files = shards(postings);
    let shard_keys: Vec<String> = files.iter().map(|(k, _)| k.clone()).collect();
    let mut out: Vec<SearchFile> = files
        .drain(..)
        .map(|(key, json)| (format!("{}t/{}.json", urls::SEARCH_INDEX, hex(&key)), json))
        .collect();

    let collection_title = |p: &Entry| {
        p.card
            .collection
            .as_ref()
            .and_then(|c| model.ws.collections.get(c))
            .map(|c| c.title.clone())
            .unwrap_or_default()
    };
    for (n, chunk) in cards.chunks(CHUNK).enumerate() {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .zip(&docs[n * CHUNK..])
            .map(|(p, doc)| {
                serde_json::json!([
                    p.card.title(),
                    urls::href(p.page().unwrap_or_default()),
                    collection_title(p),
                    excerpt(&doc.fields[3]),
                    p.badge.label()
                ])
            })
            .collect();
        out.push((
            format!("{}d/{n}.json", urls::SEARCH_INDEX),
            serde_json::to_string(&rows).unwrap_or_default(),
        ));
    }
    out.push((
        format!("{}meta.json", urls::SEARCH_INDEX),
        meta(model, &cards, &docs, shard_keys),
    ));
    out
}

fn excerpt(body: &str) -> String {
    let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(EXCERPT) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

/// Postings grouped into shards by term prefix: two characters, or more where
/// a shard would exceed the budget. Returns (prefix, JSON) pairs.
fn shards(postings: BTreeMap<String, Vec<(usize, f64)>>) -> Vec<(String, String)> {
    let encoded: Vec<(String, String)> = postings
        .into_iter()
        .map(|(term, mut list)| {
            list.sort_by_key(|(d, _)| *d);
            let mut json = String::from("[");
            let mut last = 0;
            for (i, (doc, weight)) in list.iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                let w = (weight * 10.0).round().max(1.0) as u64;
                json.push_str(&format!("{},{w}", doc - last));
                last = *doc;
            }
            json.push(']');
            (term, json)
        })
        .collect();
    let mut out = Vec::new();
    split(&encoded, 2, &mut out);
    out
}

fn prefix(term: &str, len: usize) -> String {
    term.chars().take(len).collect()
}

fn split(terms: &[(String, String)], len: usize, out: &mut Vec<(String, String)>) {
    let mut start = 0;
    while start < terms.len() {
        let key = prefix(&terms[start].0, len);
        let end = start
            + terms[start..]
                .iter()
                .take_while(|(t, _)| prefix(t, len) == key)
                .count();
        let group = &terms[start..end];
        let size: usize = group.iter().map(|(t, j)| t.len() + j.len() + 4).sum();
        // Terms no longer than the prefix stay in this shard; longer ones may
        // move to sub-shards of one more character.
        if size > SHARD_BUDGET && len < 6 && group.iter().any(|(t, _)| t.chars().count() > len) {
            let (short, long): (Vec<_>, Vec<_>) = group
                .iter()
                .cloned()
                .partition(|(t, _)| t.chars().count() <= len);
            if !short.is_empty() {
                out.push((key.clone(), shard_json(&short)));
            }
            split(&long, len + 1, out);
        } else {
            out.push((key, shard_json(group)));
        }
        start = end;
    }
}

fn shard_json(terms: &[(String, String)]) -> String {
    let mut json = String::from("{");
    for (i, (term, postings)) in terms.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&serde_json::to_string(term).unwrap_or_default());
        json.push(':');
        json.push_str(postings);
    }
    json.push('}');
    json
}

/// A prefix as a file name: the hex of its UTF-8 bytes.
pub fn hex(key: &str) -> String {
    key.bytes().map(|b| format!("{b:02x}")).collect()
}

fn meta(model: &Model, cards: &[&Entry], docs: &[Doc], shards: Vec<String>) -> String {
    let mut langs: Vec<&str> = cards.iter().map(|p| p.lang.as_str()).collect();
    langs.sort_unstable();
    langs.dedup();
    let ws = model.ws;
    let collections: Vec<(&str, &str)> = model
        .collections
        .iter()
        .filter(|(_, f)| f.page.is_some())
        .filter_map(|(k, _)| ws.collections.get(*k).map(|c| (*k, c.title.as_str())))
        .collect();
    // Every owner of a published card, and everyone in the registry, by key.
    let owners: Vec<(&str, &str)> = model
        .owner_names(cards.iter().copied())
        .into_iter()
        .collect();
    let mut tag_names: BTreeMap<String, &str> = BTreeMap::new();
    for p in cards {
        for t in &p.card.tags {
            tag_names.entry(urls::tag_slug(t)).or_insert(t.as_str());
        }
    }
    let tags: Vec<(&str, &str)> = tag_names.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let position = |list: &[(&str, &str)], key: &str| list.iter().position(|(k, _)| *k == key);
    let mut stemmers = BTreeMap::new();
    for (key, stemmer) in [("pt", PORTUGUESE), ("es", SPANISH), ("en", ENGLISH)] {
        if docs.iter().any(|d| d.lang_key == key) || cards.iter().any(|p| p.lang.starts_with(key)) {
            stemmers.insert(key, stemmer);
        }
    }
    // Queries are stemmed for every language of the site.
    stemmers.entry("en").or_insert(ENGLISH);
    let warn = ws.config.verification.warn_within;
    let rows = cards
        .iter()
        .map(|p| {
            let offset = |d: Option<jiff::civil::Date>| d.map(|d| (d - model.today).get_days());
            let live = p.badge != Badge::Archived;
            let expiring = p
                .freshness
                .due
                .filter(|_| live)
                .map(|d| expiring_from(d, warn));
            let state = match p.badge {
                Badge::Fresh => "f",
                Badge::Expiring => "e",
                Badge::Stale => "s",
                Badge::Unverified => "u",
                Badge::Archived => "a",
            };
            serde_json::json!([
                p.card
                    .collection
                    .as_deref()
                    .and_then(|c| position(&collections, c)),
                langs.iter().position(|l| *l == p.lang),
                state,
                offset(p.freshness.due.filter(|_| p.badge != Badge::Archived)),
                offset(expiring),
                p.owners
                    .iter()
                    .filter_map(|o| position(&owners, o.key()))
                    .collect::<Vec<_>>(),
                p.card
                    .tags
                    .iter()
                    .filter_map(|t| position(&tags, &urls::tag_slug(t)))
                    .collect::<Vec<_>>(),
            ])
        })
        .collect();
    let meta = Meta {
        v: 1,
        built: model.today.to_string(),
        n: cards.len(),
        chunk: CHUNK,
        shards,
        stemmers,
        cjk: tokenize::CJK_RANGES,
        langs,
        collections,
        owners,
        tags,
        docs: rows,
    };
    serde_json::to_string(&meta).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_shards_split_by_longer_prefixes() {
        let mut postings = BTreeMap::new();
        for i in 0..3000 {
            postings.insert(format!("re{i:04}"), vec![(i, 1.0)]);
        }
        postings.insert("re".to_owned(), vec![(1, 1.0)]);
        postings.insert("xy".to_owned(), vec![(2, 2.0)]);
        let shards = shards(postings);
        let keys: Vec<&str> = shards.iter().map(|(k, _)| k.as_str()).collect();
        assert!(keys.contains(&"re") && keys.contains(&"xy"), "{keys:?}");
        assert!(
            keys.iter().any(|k| k.len() > 2),
            "the big `re` shard was split: {keys:?}"
        );
        assert!(shards.iter().all(|(_, j)| j.len() <= SHARD_BUDGET + 64));
        let xy = shards.iter().find(|(k, _)| k == "xy").unwrap();
        assert_eq!(xy.1, r#"{"xy":[2,20]}"#);
    }
}
