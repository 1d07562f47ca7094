//! Building the search files from the site's published cards, in one pass:
//! every card's fields are tokenized in parallel ([`tokenize::for_each_word`],
//! each distinct word stemmed once), weighted by field, and merged into
//! postings that are written in shards by term prefix. No search crate's index
//! is built along the way (see `knowledge/decisions/search-index.md`).

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHasher;
use serde::Serialize;

use crate::markdown::plain_sections;
use crate::resolve::{Badge, Entry, Model, urls};
use crate::search::tokenize::{self, ENGLISH, PORTUGUESE, Rule, SPANISH};

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Field boosts: title above tags above headings above body. A card's
/// weight for a term is BM25F's: the boosted occurrences in each field,
/// normalized by the field's length against the site's average
/// ([`LENGTH_NORM`]), summed, then saturated ([`SATURATION`]), so a word
/// repeated a hundred times in a long body does not outweigh one in a title.
pub const FIELDS: &[(&str, f32)] = &[
    ("title", 10.0),
    ("tags", 6.0),
    ("headings", 4.0),
    ("body", 1.0),
];
/// BM25's `k1`: how fast more occurrences stop adding weight.
const SATURATION: f32 = 1.2;
/// BM25's `b`: how much a field longer than average weighs each occurrence
/// down.
const LENGTH_NORM: f32 = 0.75;
/// The body's position in [`FIELDS`]: the one field whose neighbouring
/// words are not indexed as compounds (it would double the vocabulary).
const BODY: usize = 3;
/// Cards per document chunk.
pub const CHUNK: usize = 16;
/// A shard larger than this (bytes of JSON) is split by a longer prefix.
const SHARD_BUDGET: usize = 24 * 1024;
/// Characters of body text kept per card for snippets.
const EXCERPT: usize = 240;
/// Characters of each section's text kept in a card's passages, and of
/// all its sections together (see [`passages`]).
const PASSAGE: usize = 400;
const PASSAGES: usize = 2400;
/// Days per file of state changes (see [`weeks`]).
const WEEK: i32 = 7;

/// One file of the search index, as (path under the site, content).
pub type SearchFile = (String, String);

/// The folders the index files live in.
pub const FOLDERS: &[&str] = &[
    "_/search/t",
    "_/search/d",
    "_/search/x",
    "_/search/f/c",
    "_/search/f/o",
    "_/search/f/t",
    "_/search/f/l",
    "_/search/f/s",
    "_/search/w",
];

/// Whether a path of the site is a file of the search index.
pub fn is_index_file(path: &str) -> bool {
    path.starts_with(urls::SEARCH_INDEX) && path.ends_with(".json")
}

/// How a card's state weighs on its rank, carried in every posting: fresh and
/// expiring cards rank fully, stale and unverified ones lower, archived lowest.
fn trust_code(badge: Badge) -> u32 {
    match badge {
        Badge::Fresh | Badge::Expiring => 0,
        Badge::Stale | Badge::Unverified => 1,
        Badge::Archived => 2,
    }
}

fn state_letter(badge: Badge) -> &'static str {
    match badge {
        Badge::Fresh => "f",
        Badge::Expiring => "e",
        Badge::Stale => "s",
        Badge::Unverified => "u",
        Badge::Archived => "a",
    }
}

/// A card's terms, each with its occurrences per field (one byte per field,
/// in [`FIELDS`] order, capped at 255), its fields' lengths in words, and its
/// snippet text.
struct Doc {
    /// Shared with the vocabulary that made them: a term is one allocation
    /// per thread, not one per card that has it.
    terms: Vec<(Arc<str>, u32)>,
    lengths: [u32; 4],
    excerpt: String,
    passages: String,
}

/// The words one thread has met, in the language named, each with its term
/// (the word stemmed): the words of a knowledge base repeat from card to card,
/// so each is stemmed once, and a card counts its words by number rather
/// than by string (stemming and the strings were half of tokenizing).
#[derive(Default)]
struct Vocabulary {
    lang: &'static str,
    /// Word → (word number, term number).
    words: FxMap<String, (u32, u32)>,
    term_numbers: FxMap<String, u32>,
    terms: Vec<Arc<str>>,
    /// A card's counts, kept between cards so that their tables are
    /// allocated and grown once per thread (growing them for every card
    /// was 1.5% of a build's instructions).
    tfs: FxMap<u32, [u8; 4]>,
    counts: FxMap<u32, (u32, u32)>,
}

impl Vocabulary {
    fn for_lang(&mut self, lang: &'static str) {
        if self.lang != lang {
            *self = Vocabulary {
                lang,
                ..Vocabulary::default()
            };
        }
    }

    fn number(&mut self, word: &str, stemmer: Option<tokenize::Stemmer>) -> (u32, u32) {
        if let Some(&numbers) = self.words.get(word) {
            return numbers;
        }
        let term = match stemmer {
            Some(rules) => tokenize::stem(word, rules),
            None => word.to_owned(),
        };
        let next = self.terms.len() as u32;
        let term_number = match self.term_numbers.get(term.as_str()) {
            Some(&n) => n,
            None => {
                self.terms.push(Arc::from(term.as_str()));
                self.term_numbers.insert(term, next);
                next
            }
        };
        let numbers = (self.words.len() as u32, term_number);
        self.words.insert(word.to_owned(), numbers);
        numbers
    }
}

fn index_card(p: &Entry, vocabulary: &mut Vocabulary) -> Doc {
    let stemmer = tokenize::stemmer(&p.lang);
    vocabulary.for_lang(stemmer.map_or("", |(lang, _)| lang));
    let rules = stemmer.map(|(_, rules)| rules);
    let sections = plain_sections(p.card.markdown());
    let body = sections.concat();
    let headings = p
        .card
        .outline
        .headings
        .iter()
        .map(|h| h.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let tags = p.card.tags.join("\n");
    let fields = [
        p.card.title(),
        tags.as_str(),
        headings.as_str(),
        body.as_str(),
    ];
    // Term number → occurrences per field; word number → (term, occurrences).
    let mut tfs = std::mem::take(&mut vocabulary.tfs);
    let mut counts = std::mem::take(&mut vocabulary.counts);
    let mut lengths = [0u32; 4];
    for (f, text) in fields.iter().enumerate() {
        counts.clear();
        let mut add = |w: &str| {
            let (word, term) = vocabulary.number(w, rules);
            counts.entry(word).or_insert((term, 0)).1 += 1;
        };
        // Each line of a title, tag or heading field is one name: its
        // neighbouring words are joined as compounds, not across lines.
        for line in text.lines() {
            let mut words = Vec::new();
            tokenize::for_each_word(line, |w| {
                add(w);
                lengths[f] += 1;
                for form in tokenize::hebrew_forms(w) {
                    add(form);
                }
                if f != BODY {
                    words.push(w.to_owned());
                }
            });
            for joined in tokenize::joins(&words) {
                add(&joined);
            }
            tokenize::for_each_camel_part(line, &mut add);
        }
        for (_, (term, n)) in counts.drain() {
            let tf = &mut tfs.entry(term).or_default()[f];
            *tf = tf.saturating_add(n.min(255) as u8);
        }
    }
    // In no particular order: postings are merged card by card and their
    // terms sorted once, at the end.
    let terms = tfs
        .drain()
        .map(|(term, tf)| {
            (
                vocabulary.terms[term as usize].clone(),
                u32::from_le_bytes(tf),
            )
        })
        .collect();
    (vocabulary.tfs, vocabulary.counts) = (tfs, counts);
    Doc {
        terms,
        lengths,
        excerpt: excerpt(&body),
        passages: passages(p, &sections),
    }
}

/// Cards tokenized at a time: their term lists are merged into the postings
/// and dropped before the next batch, so memory holds the postings, not every
/// card's terms (at 100,000 cards that was most of the build's peak).
const BATCH: usize = 2048;

/// Postings as they are merged: term → [(card, occurrences per field)], in
/// card order.
#[derive(Default)]
struct Postings(FxMap<String, Vec<(u32, u32)>>);

/// What a card's weights need besides its occurrences: its fields' lengths
/// and its trust code.
struct DocStats {
    lengths: [u32; 4],
    trust: u32,
}

impl Postings {
    fn add(&mut self, doc: u32, terms: &[(Arc<str>, u32)]) {
        for (term, tf) in terms {
            match self.0.get_mut(&**term) {
                Some(list) => list.push((doc, *tf)),
                None => {
                    self.0.insert(term.to_string(), vec![(doc, *tf)]);
                }
            }
        }
    }

    /// (term, JSON array `[doc delta, value, …]`), sorted by term; see
    /// [`value`].
    fn encode(self, docs: &[DocStats]) -> Vec<(String, String)> {
        let mut average = [1f32; 4];
        if !docs.is_empty() {
            for (f, avg) in average.iter_mut().enumerate() {
                let total: f64 = docs.iter().map(|d| f64::from(d.lengths[f])).sum();
                *avg = ((total / docs.len() as f64) as f32).max(1.0);
            }
        }
        let mut terms: Vec<(String, Vec<(u32, u32)>)> = self.0.into_iter().collect();
        terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        terms
            .into_par_iter()
            .map(|(term, list)| {
                let json = delta_rows(list.iter().map(|&(doc, tf)| {
                    (doc, [i64::from(value(tf, &docs[doc as usize], &average))])
                }));
                (term, json)
            })
            .collect()
    }
}

/// A posting's value: `(round(weight · 100) · 2 + in title) · 4 + trust`,
/// where weight is the card's BM25F weight for the term (0–1, without the
/// term's rarity, which the client knows from the posting list's length),
/// "in title" is 1 when the title has the term, and trust is 0 for fresh or
/// expiring cards, 1 for stale or unverified, 2 for archived, as of the build.
fn value(tf: u32, doc: &DocStats, average: &[f32; 4]) -> u32 {
    let tf = tf.to_le_bytes();
    let mut weighted = 0f32;
    for (f, (_, boost)) in FIELDS.iter().enumerate() {
        if tf[f] == 0 {
            continue;
        }
        let norm = 1.0 - LENGTH_NORM + LENGTH_NORM * doc.lengths[f] as f32 / average[f];
        weighted += boost * f32::from(tf[f]) / norm;
    }
    let weight = weighted / (SATURATION + weighted);
    let scaled = ((weight * 100.0).round() as u32).clamp(1, 100);
    (scaled * 2 + u32::from(tf[0] > 0)) * 4 + doc.trust
}

#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    /// The build date; due offsets count days from it.
    built: String,
    n: usize,
    chunk: usize,
    /// Days per file of state changes under `w/`.
    week: i32,
    /// Term prefixes that have a shard, sorted.
    shards: Vec<String>,
    stemmers: BTreeMap<&'static str, &'static [&'static [Rule]]>,
    /// Stop words by language (every language: a query may be asked in one
    /// the cards are not written in).
    stop: BTreeMap<&'static str, &'static [&'static str]>,
    /// Hebrew's one-letter prefixes.
    hebrew: &'static str,
    cjk: &'static [(u32, u32)],
    /// Facet values as (key, name); the file `f/<facet>/<position>.json`
    /// lists the cards that have each.
    langs: Vec<&'a str>,
    collections: Vec<(&'a str, &'a str)>,
    owners: Vec<(&'a str, &'a str)>,
    tags: Vec<(&'a str, &'a str)>,
    /// States (as of the build) that have a file `f/s/<letter>.json`.
    states: Vec<&'static str>,
    /// Numbers `k` of the files `w/<k>.json` that exist.
    weeks: Vec<i32>,
}

/// Rows of numbers about cards, in card order, as one flat JSON array
/// `[doc delta, values…, doc delta, values…]`: each card's number is written
/// as its distance from the previous row's. Numbers go through `itoa`:
/// `write!` here was 4% of a build's instructions at 1,000 cards.
fn delta_rows<const N: usize>(rows: impl Iterator<Item = (u32, [i64; N])>) -> String {
    let mut json = String::from("[");
    let mut last = 0;
    for (doc, values) in rows {
        if json.len() > 1 {
            json.push(',');
        }
        let mut number = itoa::Buffer::new();
        json.push_str(number.format(doc - last));
        for value in values {
            json.push(',');
            json.push_str(number.format(value));
        }
        last = doc;
    }
    json.push(']');
    json
}

/// A sorted list of card numbers as `[gap, run, gap, run, …]`: `run`
/// consecutive cards starting `gap` after the end of the previous run, so
/// "every card" is two numbers however large the site.
fn runs(docs: &[u32]) -> String {
    let mut json = String::from("[");
    let mut next = 0u32; // the first card after the previous run
    let mut i = 0;
    while i < docs.len() {
        let start = docs[i];
        let mut end = i + 1;
        while end < docs.len() && docs[end] == docs[end - 1] + 1 {
            end += 1;
        }
        if i > 0 {
            json.push(',');
        }
        let mut number = itoa::Buffer::new();
        json.push_str(number.format(start - next));
        json.push(',');
        json.push_str(number.format(end - i));
        next = docs[end - 1] + 1;
        i = end;
    }
    json.push(']');
    json
}

/// What each card contributed to the index, kept between `vouch serve`'s
/// rebuilds: a card whose source and language are unchanged is not
/// tokenized again. What a card contributes is a function of those alone,
/// so an index built with the cache is the index built without it.
#[derive(Default)]
pub struct Cache {
    docs: FxMap<String, Cached>,
}

struct Cached {
    source: u64,
    lang: String,
    doc: Doc,
}

/// The files of the search index, or `None` as soon as `superseded` says a
/// newer change makes them pointless (`vouch serve` under rapid saves);
/// with a `cache`, unchanged cards are taken from it and the cache is left
/// holding every card of this index.
pub fn build_unless(
    model: &Model,
    superseded: &(dyn Fn() -> bool + Sync),
    cache: Option<&mut Cache>,
) -> Option<Vec<SearchFile>> {
    let mut files = Vec::new();
    let done = build_into(model, superseded, cache, &mut |path, json| {
        files.push((path, json));
        Ok::<(), std::convert::Infallible>(())
    });
    matches!(done, Ok(true)).then_some(files)
}

/// Builds the search index, handing each file to `emit` as soon as it is
/// made, so a build holds no more of the index than it is making (at
/// 100,000 cards the index's files are about 200 MB). `Ok(false)` when
/// `superseded` stopped it (what was emitted is then not the whole index);
/// the first error `emit` returns stops it too, and is returned.
pub fn build_into<E>(
    model: &Model,
    superseded: &(dyn Fn() -> bool + Sync),
    mut cache: Option<&mut Cache>,
    emit: &mut dyn FnMut(String, String) -> Result<(), E>,
) -> Result<bool, E> {
    // Cards are numbered by title (folded, as search compares words), then
    // id: the client breaks ties between equal scores by number, so equal
    // results come in title order, and filters without words list cards so.
    // Each card's key is folded once (a lookup by id in every comparison
    // was a third of a second at 100,000 cards).
    let mut cards: Vec<&Entry> = model.published.iter().map(|&i| &model.cards[i]).collect();
    cards.par_sort_by_cached_key(|&p| (tokenize::fold(p.card.title()), p.card.id.as_str()));
    let mut postings = Postings::default();
    let mut excerpts = Vec::with_capacity(cards.len());
    let mut passages = Vec::with_capacity(cards.len());
    let mut stats = Vec::with_capacity(cards.len());
    // With a cache, its cards are taken out and the cache refilled with the
    // cards of this index; a superseded build puts back what it took.
    let mut old = cache.as_deref_mut().map(|c| std::mem::take(&mut c.docs));
    let mut kept = FxMap::default();
    for (n, batch) in cards.chunks(BATCH).enumerate() {
        // For each card, its source's hash (with a cache) and its document
        // unless the cache holds it as it is.
        let docs: Option<Vec<(u64, Option<Doc>)>> = batch
            .par_iter()
            .map_init(Vocabulary::default, |vocabulary, p| {
                if superseded() {
                    return None;
                }
                let Some(old) = &old else {
                    return Some((0, Some(index_card(p, vocabulary))));
                };
                let source = crate::write::content_hash(p.card.source.as_str().as_bytes());
                let unchanged = old
                    .get(p.card.id.as_str())
                    .is_some_and(|c| c.source == source && c.lang == p.lang);
                Some((source, (!unchanged).then(|| index_card(p, vocabulary))))
            })
            .collect();
        let Some(docs) = docs else {
            if let (Some(c), Some(mut old)) = (cache, old) {
                old.extend(kept);
                c.docs = old;
            }
            return Ok(false);
        };
        for (k, ((source, fresh), p)) in docs.into_iter().zip(batch).enumerate() {
            let doc = fresh
                .or_else(|| Some(old.as_mut()?.remove(p.card.id.as_str())?.doc))
                .unwrap_or_else(|| index_card(p, &mut Vocabulary::default()));
            postings.add((n * BATCH + k) as u32, &doc.terms);
            stats.push(DocStats {
                lengths: doc.lengths,
                trust: trust_code(p.badge),
            });
            if old.is_some() {
                excerpts.push(doc.excerpt.clone());
                passages.push(doc.passages.clone());
                let lang = p.lang.clone();
                kept.insert(p.card.id.clone(), Cached { source, lang, doc });
            } else {
                excerpts.push(doc.excerpt);
                passages.push(doc.passages);
            }
        }
    }
    if let Some(c) = cache {
        c.docs = kept;
    }

    let mut shard_keys = Vec::new();
    if superseded() {
        return Ok(false);
    }
    for (key, json) in shards(postings.encode(&stats)) {
        emit(format!("{}t/{}.json", urls::SEARCH_INDEX, hex(&key)), json)?;
        shard_keys.push(key);
    }
    let offsets: Vec<(Option<i32>, Option<i32>)> =
        cards.iter().map(|p| due_offsets(model, p)).collect();

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
            .enumerate()
            .map(|(k, p)| {
                let i = n * CHUNK + k;
                serde_json::json!([
                    p.card.title(),
                    urls::href(p.page().unwrap_or_default()),
                    collection_title(p),
                    excerpts[i],
                    state_letter(p.badge),
                    offsets[i].0,
                    offsets[i].1,
                ])
            })
            .collect();
        emit(
            format!("{}d/{n}.json", urls::SEARCH_INDEX),
            serde_json::to_string(&rows).unwrap_or_default(),
        )?;
        // The chunk's passages beside its rows: one file per chunk rather
        // than per card (at 100,000 cards, a third of the site's files).
        // Each card's passages are moved into the file, not copied: at
        // 100,000 cards they are about 100 MB.
        let mut file = String::from("[");
        for (k, one) in passages[n * CHUNK..n * CHUNK + chunk.len()]
            .iter_mut()
            .enumerate()
        {
            if k > 0 {
                file.push(',');
            }
            file.push_str(&std::mem::take(one));
        }
        file.push(']');
        emit(format!("{}x/{n}.json", urls::SEARCH_INDEX), file)?;
    }
    let (meta, facet_files) = meta(model, &cards, &offsets, shard_keys);
    for (path, json) in facet_files {
        emit(path, json)?;
    }
    emit(format!("{}meta.json", urls::SEARCH_INDEX), meta)?;
    Ok(!superseded())
}

/// Days from the build to a live card's due date, and to its first expiring
/// day: what the client needs to tell the card's state on the reader's day.
fn due_offsets(model: &Model, p: &Entry) -> (Option<i32>, Option<i32>) {
    if p.badge == Badge::Archived {
        return (None, None);
    }
    let offset = |d: jiff::civil::Date| (d - model.today).get_days();
    match (p.freshness.due, p.freshness.expiring_from) {
        (Some(due), Some(from)) => (Some(offset(due)), Some(offset(from))),
        _ => (None, None),
    }
}

/// A card's passages, its entry in its chunk's `x/<chunk>.json` (a list
/// in card order, as `d/<chunk>.json`): `[[anchor, heading, text], …]`
/// for the text before the first heading (anchor and heading empty) and each
/// section after a heading, sections without text left out, each text cut at
/// [`PASSAGE`] characters and all of them at [`PASSAGES`]. The client shows
/// the section with the most of the query's words, linked by its anchor.
fn passages(p: &Entry, sections: &[String]) -> String {
    let headings = &p.card.outline.headings;
    let mut rows = Vec::new();
    let mut left = PASSAGES;
    for (k, text) in sections.iter().enumerate() {
        if left == 0 {
            break;
        }
        let text = cut_flat(text, PASSAGE.min(left));
        if text.is_empty() {
            continue;
        }
        left = left.saturating_sub(text.chars().count());
        // The section under a body's leading H1 (the card's title) is its
        // opening text; a heading the outline does not have is treated so too.
        let heading = k
            .checked_sub(1)
            .filter(|&h| p.card.outline.leading_h1 != Some(h))
            .and_then(|h| headings.get(h));
        let (id, name) = heading.map_or(("", ""), |h| (h.id.as_str(), h.text.as_str()));
        rows.push([id, name, text.as_str()].map(json_string).join(","));
    }
    if rows.is_empty() {
        return "[]".to_owned();
    }
    format!("[[{}]]", rows.join("],["))
}

/// A string as JSON.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The body's first `EXCERPT` characters, runs of white space as one
/// space; only as much of the body is read as the excerpt needs.
fn excerpt(body: &str) -> String {
    cut_flat(body, EXCERPT)
}

/// `text`'s first `max` characters, runs of white space as one space, with
/// `…` when there was more.
fn cut_flat(text: &str, max: usize) -> String {
    let mut flat = String::with_capacity(max.min(text.len()) + 4);
    let mut chars = 0;
    for word in text.split_whitespace() {
        if !flat.is_empty() {
            if chars == max {
                flat.push('…');
                return flat;
            }
            flat.push(' ');
            chars += 1;
        }
        // Whole words while they fit; the one that does not, cut.
        let n = if word.is_ascii() {
            word.len()
        } else {
            word.chars().count()
        };
        if chars + n <= max {
            flat.push_str(word);
            chars += n;
            continue;
        }
        let end = word
            .char_indices()
            .nth(max - chars)
            .map_or(word.len(), |(i, _)| i);
        flat.push_str(&word[..end]);
        flat.push('…');
        return flat;
    }
    flat
}

/// Postings grouped into shards by term prefix: two characters, or more where
/// a shard would exceed the budget. Takes and returns (term or prefix, JSON)
/// pairs sorted by term.
fn shards(encoded: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    split(&encoded, 2, &mut out);
    out
}

fn prefix(term: &str, len: usize) -> &str {
    match term.char_indices().nth(len) {
        Some((i, _)) => &term[..i],
        None => term,
    }
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
                out.push((key.to_owned(), shard_json(&short)));
            }
            split(&long, len + 1, out);
        } else {
            out.push((key.to_owned(), shard_json(group)));
        }
        start = end;
    }
}

fn shard_json(terms: &[(String, String)]) -> String {
    let size: usize = terms.iter().map(|(t, j)| t.len() + j.len() + 4).sum();
    let mut json = String::with_capacity(size + 2);
    json.push('{');
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

/// The files of state changes after the build: `w/<k>.json` lists, as
/// `[doc delta, due offset, expiring offset, …]`, the cards that turn
/// expiring or stale on days `k·7+1 … k·7+7` after it. A reader's browser
/// days later fetches only the weeks that have passed (none on the day of a
/// build), so states follow the clock without a file of every card.
fn weeks(offsets: &[(Option<i32>, Option<i32>)], badges: &[Badge]) -> BTreeMap<i32, Vec<u32>> {
    let mut weeks: BTreeMap<i32, Vec<u32>> = BTreeMap::new();
    for (i, ((due, expiring), badge)) in offsets.iter().zip(badges).enumerate() {
        let (Some(due), Some(expiring)) = (due, expiring) else {
            continue;
        };
        if !matches!(badge, Badge::Fresh | Badge::Expiring) {
            continue;
        }
        // Expiring from `expiring`, stale from the day after `due`.
        let mut days = vec![*expiring, due + 1];
        days.retain(|d| *d > 0);
        days.dedup_by_key(|d| (*d - 1) / WEEK);
        for day in days {
            weeks.entry((day - 1) / WEEK).or_default().push(i as u32);
        }
    }
    weeks
}

fn meta(
    model: &Model,
    cards: &[&Entry],
    offsets: &[(Option<i32>, Option<i32>)],
    shards: Vec<String>,
) -> (String, Vec<SearchFile>) {
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
    let mut stemmers = BTreeMap::new();
    for (key, stemmer) in [("pt", PORTUGUESE), ("es", SPANISH), ("en", ENGLISH)] {
        if cards
            .iter()
            .any(|p| tokenize::stemmer(&p.lang).is_some_and(|(k, _)| k == key))
        {
            stemmers.insert(key, stemmer);
        }
    }
    // Queries are stemmed for every language of the site.
    stemmers.entry("en").or_insert(ENGLISH);

    // Facets: for each value, the cards that have it.
    let index_of = |list: &[(&str, &str)]| -> FxMap<String, usize> {
        list.iter()
            .enumerate()
            .map(|(i, (k, _))| ((*k).to_owned(), i))
            .collect()
    };
    let (collection_at, owner_at, tag_at) =
        (index_of(&collections), index_of(&owners), index_of(&tags));
    let mut by_collection = vec![Vec::new(); collections.len()];
    let mut by_owner = vec![Vec::new(); owners.len()];
    let mut by_tag = vec![Vec::new(); tags.len()];
    let mut by_lang = vec![Vec::new(); langs.len()];
    let mut by_state: BTreeMap<&'static str, Vec<u32>> = BTreeMap::new();
    for (i, p) in cards.iter().enumerate() {
        let doc = i as u32;
        if let Some(&c) = p
            .card
            .collection
            .as_ref()
            .and_then(|c| collection_at.get(c))
        {
            by_collection[c].push(doc);
        }
        for o in &p.owners {
            if let Some(&o) = owner_at.get(o.key()) {
                push_once(&mut by_owner[o], doc);
            }
        }
        for t in &p.card.tags {
            if let Some(&t) = tag_at.get(&urls::tag_slug(t)) {
                push_once(&mut by_tag[t], doc);
            }
        }
        if let Ok(l) = langs.binary_search(&p.lang.as_str()) {
            by_lang[l].push(doc);
        }
        by_state.entry(state_letter(p.badge)).or_default().push(doc);
    }
    let mut files = Vec::new();
    for (facet, lists) in [
        ("c", &by_collection),
        ("o", &by_owner),
        ("t", &by_tag),
        ("l", &by_lang),
    ] {
        for (i, docs) in lists.iter().enumerate() {
            files.push((
                format!("{}f/{facet}/{i}.json", urls::SEARCH_INDEX),
                runs(docs),
            ));
        }
    }
    for (state, docs) in &by_state {
        files.push((
            format!("{}f/s/{state}.json", urls::SEARCH_INDEX),
            runs(docs),
        ));
    }
    let badges: Vec<Badge> = cards.iter().map(|p| p.badge).collect();
    let weeks = weeks(offsets, &badges);
    for (k, docs) in &weeks {
        let json = delta_rows(docs.iter().map(|&doc| {
            let (due, expiring) = offsets[doc as usize];
            (
                doc,
                [due, expiring].map(|d| i64::from(d.unwrap_or_default())),
            )
        }));
        files.push((format!("{}w/{k}.json", urls::SEARCH_INDEX), json));
    }
    let meta = Meta {
        v: 3,
        built: model.today.to_string(),
        n: cards.len(),
        chunk: CHUNK,
        week: WEEK,
        shards,
        stemmers,
        stop: tokenize::STOP_WORDS.iter().copied().collect(),
        hebrew: tokenize::HEBREW_PREFIXES,
        cjk: tokenize::CJK_RANGES,
        langs,
        collections,
        owners,
        tags,
        states: by_state.keys().copied().collect(),
        weeks: weeks.keys().copied().collect(),
    };
    (serde_json::to_string(&meta).unwrap_or_default(), files)
}

/// Appends `doc` unless it is already last (a card naming an owner twice).
fn push_once(list: &mut Vec<u32>, doc: u32) {
    if list.last() != Some(&doc) {
        list.push(doc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_flatten_white_space_and_stop_at_the_length() {
        let joined = |body: &str| {
            let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
            match flat.char_indices().nth(EXCERPT) {
                Some((i, _)) => format!("{}…", &flat[..i]),
                None => flat,
            }
        };
        let word = "ação ".repeat(EXCERPT / 5);
        for body in [
            String::new(),
            "  one \n\n two\tthree  ".to_owned(),
            "x".repeat(EXCERPT),
            "x".repeat(EXCERPT + 1),
            format!("{} y", "x".repeat(EXCERPT)),
            format!("{} y", "x".repeat(EXCERPT - 1)),
            format!("{word}\n{word}"),
            word.trim_end().to_owned(),
        ] {
            assert_eq!(excerpt(&body), joined(&body), "{body:?}");
        }
    }

    #[test]
    fn big_shards_split_by_longer_prefixes() {
        let mut postings: Vec<(String, String)> = (0..3000)
            .map(|i| (format!("re{i:04}"), format!("[{i},40]")))
            .collect();
        postings.push(("re".to_owned(), "[1,40]".to_owned()));
        postings.push(("xy".to_owned(), "[2,80]".to_owned()));
        postings.sort();
        let shards = shards(postings);
        let keys: Vec<&str> = shards.iter().map(|(k, _)| k.as_str()).collect();
        assert!(keys.contains(&"re") && keys.contains(&"xy"), "{keys:?}");
        assert!(
            keys.iter().any(|k| k.len() > 2),
            "the big `re` shard was split: {keys:?}"
        );
        assert!(shards.iter().all(|(_, j)| j.len() <= SHARD_BUDGET + 64));
        let xy = shards.iter().find(|(k, _)| k == "xy").unwrap();
        assert_eq!(xy.1, r#"{"xy":[2,80]}"#);
    }

    #[test]
    fn rows_carry_deltas_of_card_numbers() {
        assert_eq!(delta_rows(std::iter::empty::<(u32, [i64; 1])>()), "[]");
        assert_eq!(delta_rows([(2, [40]), (5, [8])].into_iter()), "[2,40,3,8]");
        assert_eq!(
            delta_rows([(0, [9, -3]), (7, [1, 0])].into_iter()),
            "[0,9,-3,7,1,0]"
        );
    }

    #[test]
    fn card_lists_are_runs() {
        assert_eq!(runs(&[]), "[]");
        assert_eq!(runs(&[0, 1, 2, 3]), "[0,4]");
        assert_eq!(runs(&[2, 3, 7, 9, 10]), "[2,2,3,1,1,2]");
    }

    #[test]
    fn state_changes_land_in_the_week_they_happen() {
        let offsets = [
            (Some(10), Some(3)),  // expiring on day 3 (week 0), stale on 11 (week 1)
            (Some(-5), Some(-9)), // stale already
            (Some(5), Some(-2)),  // expiring already, stale on day 6 (week 0)
            (None, None),
        ];
        let badges = [
            Badge::Fresh,
            Badge::Stale,
            Badge::Expiring,
            Badge::Unverified,
        ];
        let weeks = weeks(&offsets, &badges);
        assert_eq!(weeks.get(&0), Some(&vec![0, 2]));
        assert_eq!(weeks.get(&1), Some(&vec![0]));
        assert_eq!(weeks.len(), 2);
    }
}
