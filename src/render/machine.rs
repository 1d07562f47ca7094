//! Outputs for agents and scripts: `cards.json`, `llms.txt` and `sitemap.xml`.
//! They carry the same states as the pages, so an agent knows how far to trust
//! each card.

use serde::Serialize;

use crate::render::site::{Badge, Published, Site};
use crate::resolve::urls;

#[derive(Serialize)]
struct CardsJson<'a> {
    title: &'a str,
    generated_on: String,
    cards: Vec<CardJson<'a>>,
}

#[derive(Serialize)]
struct CardJson<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    markdown_url: String,
    #[serde(rename = "type")]
    kind: &'a str,
    lang: &'a str,
    collection: Option<&'a str>,
    owners: &'a [String],
    verified: Option<String>,
    verified_by: Option<&'a str>,
    verify_every: String,
    due: Option<String>,
    last_changed: Option<&'a str>,
    last_changed_by: Option<&'a str>,
    state: Badge,
    /// Every owner has left: nobody answers for the card until it gets a
    /// new owner.
    needs_owner: bool,
    tags: &'a [String],
    /// Ids of the cards this card links to.
    links: Vec<String>,
}

/// The URL of a site path: absolute under `base_url`, else relative to the site root.
pub fn site_url(site: &Site, path: &str) -> String {
    let path = urls::href(path);
    match site.ws.config.base_url.as_deref() {
        Some(base) => format!("{}/{path}", base.trim_end_matches('/')),
        None => path,
    }
}

fn linked_ids(site: &Site, p: &Published) -> Vec<String> {
    let mut ids: Vec<String> = site
        .model
        .linked_cards(p.entry)
        .into_iter()
        .map(|i| site.model.cards[i].card.id.clone())
        .collect();
    ids.sort();
    ids
}

pub fn cards_json(site: &Site) -> String {
    let doc = CardsJson {
        title: &site.info.title,
        generated_on: site.today.to_string(),
        cards: site
            .cards
            .iter()
            .map(|p| CardJson {
                id: &p.card.id,
                title: &p.view().title,
                url: site_url(site, &p.url),
                markdown_url: site_url(site, &urls::card_markdown(&p.card.id)),
                kind: &p.card.kind.value,
                lang: &p.view().lang,
                collection: p.card.collection.as_deref(),
                owners: &p.owner_keys,
                verified: p.view().verified.clone(),
                verified_by: p.card.verified_by.as_ref().map(|v| v.value.as_str()),
                verify_every: p.view().verify_every.clone(),
                due: p.freshness.named_due.map(|d| d.to_string()),
                last_changed: p.view().last_changed.as_deref(),
                last_changed_by: p.view().last_changed_by.as_deref(),
                state: p.badge,
                needs_owner: p.view().owners_left,
                tags: &p.card.tags,
                links: linked_ids(site, p),
            })
            .collect(),
    };
    // One card per line: compact for agents, still readable and diffable.
    let mut json = format!(
        "{{\"title\":{},\"generated_on\":\"{}\",\"cards\":[\n",
        serde_json::to_string(doc.title).unwrap_or_default(),
        doc.generated_on
    );
    for (i, card) in doc.cards.iter().enumerate() {
        if i > 0 {
            json.push_str(",\n");
        }
        json.push_str(&serde_json::to_string(card).unwrap_or_default());
    }
    json.push_str("\n]}\n");
    json
}

/// The counts of one total on the build day, and the due days of its cards
/// that were not stale then: enough to re-count it on any later day.
#[derive(Serialize)]
struct Scope {
    /// Published cards that are not archived.
    t: usize,
    /// Never verified.
    u: usize,
    /// Stale on the build day.
    s: usize,
    /// `[due, first expiring day, cards]`, days counted from the build day.
    d: Vec<[i64; 3]>,
}

/// `_/totals.json`: every total the pages show — the site (`s`), each
/// collection (`c:KEY`) and each owner (`o:KEY`) — so that `vouch.js` can
/// re-count scores and counts when the page is read after the build day.
pub fn totals_json(site: &Site) -> String {
    let scope = |ids: &mut dyn Iterator<Item = usize>| {
        let mut s = Scope {
            t: 0,
            u: 0,
            s: 0,
            d: Vec::new(),
        };
        let mut days: std::collections::BTreeMap<(i64, i64), i64> = Default::default();
        for i in ids {
            let p = &site.cards[i];
            match p.badge {
                Badge::Archived => continue,
                Badge::Unverified => s.u += 1,
                Badge::Stale => s.s += 1,
                Badge::Fresh | Badge::Expiring => {
                    if let (Some(due), Some(from)) = (p.freshness.due, p.freshness.expiring_from) {
                        let offset = |d: jiff::civil::Date| i64::from((d - site.today).get_days());
                        *days.entry((offset(due), offset(from))).or_default() += 1;
                    }
                }
            }
            s.t += 1;
        }
        s.d = days
            .into_iter()
            .map(|((due, from), n)| [due, from, n])
            .collect();
        s
    };
    let mut scopes = std::collections::BTreeMap::new();
    scopes.insert("s".to_owned(), scope(&mut (0..site.cards.len())));
    for c in site.collections.iter().chain(&site.folders) {
        let ids = c.index.into_iter().chain(c.cards.iter().copied());
        scopes.insert(format!("c:{}", c.key), scope(&mut ids.into_iter()));
    }
    for o in site.owners() {
        scopes.insert(format!("o:{}", o.key), scope(&mut o.all.iter().copied()));
    }
    serde_json::json!({ "built": site.today.to_string(), "scopes": scopes }).to_string()
}

/// llms.txt: an H1 title, a blockquote summary, then one H2 section per
/// collection listing each card's Markdown with its state, date and owners.
pub fn llms_txt(site: &Site) -> String {
    let mut out = format!("# {}\n\n", one_line(&site.info.title));
    let summary = site.info.description.as_deref().map_or_else(
        || "Internal knowledge, checked by vouch.".to_owned(),
        one_line,
    );
    out.push_str(&format!(
        "> {summary} Every card names its owners, when it was last verified and when it is due; as of {}, {} of {} published cards are not stale ({}%). A card past its due date is stale and may be out of date: confirm it with its owners before relying on it.\n",
        site.today, site.info.score.not_stale, site.info.score.total, site.info.score.percent
    ));
    out.push_str(&format!(
        "\nStates are as of {} (the build); on a later day, compare each card's due date with that day.\n",
        site.today
    ));
    out.push_str(&format!(
        "\nEvery card below is plain Markdown with its front matter. `{}` lists every card's metadata and state as JSON. The search page `{}?q=WORDS` (filters: `collection`, `owner`, `tag`, `state`, `lang`; filters alone list their cards) runs in a browser; without one, filter `cards.json`, or look words up in the search index as the last section says.\n",
        site_url(site, urls::CARDS_JSON),
        site_url(site, urls::SEARCH),
    ));
    let mut section = |title: &str, ids: &[usize]| {
        out.push_str(&format!("\n## {}\n\n", one_line(title)));
        for &i in ids {
            let p = &site.cards[i];
            let verified = p
                .view()
                .verified
                .as_deref()
                .map_or("never verified".to_owned(), |v| format!("verified {v}"));
            let due = p
                .view()
                .named_due
                .as_deref()
                .map_or(String::new(), |d| format!(", due {d}"));
            let orphan = if p.view().owners_left {
                " (its owners have left: it needs a new owner)"
            } else {
                ""
            };
            out.push_str(&format!(
                "- [{}]({}): {}, {verified}{due}, owners: {}{orphan}\n",
                one_line(&p.view().title).replace(['[', ']'], ""),
                site_url(site, &urls::card_markdown(&p.card.id)),
                p.badge.as_str(),
                one_line(&p.owner_keys.join(", "))
            ));
        }
    };
    for c in &site.collections {
        let ids: Vec<usize> = c.index.into_iter().chain(c.cards.iter().copied()).collect();
        section(&c.title, &ids);
    }
    if !site.loose.is_empty() {
        section("Other cards", &site.loose);
    }
    out.push_str(&search_how_to(&site_url(site, urls::SEARCH_INDEX)));
    out
}

/// How a fetch-only agent finds cards by word in the static search index
/// (the layout of `src/search/mod.rs`), for the end of `llms.txt`.
fn search_how_to(index: &str) -> String {
    format!(
        "\n## Searching without a browser\n\n\
1. Fold each word of the question: lower-case it, decompose it (Unicode NFD) and drop the combining marks (`Verificação` → `verificacao`). Skip the stop words listed under `stop` in `{index}meta.json` (`how`, `do`, `the`, `como`, …).\n\
2. The index holds stems: also try each word stemmed by the rules under `stemmers` in `meta.json` (per language, steps of `[suffix, replacement, shortest stem]`; in each step the first rule that matches applies). Words of three letters or more also match longer terms they start.\n\
3. A term's shard is the longest prefix of it listed under `shards` in `meta.json`: fetch `{index}t/<the prefix's UTF-8 bytes in hex>.json` (`re` → `{index}t/7265.json`). It maps each term to `[card, value, card, value, …]`, where each card number is the previous one plus the number written (the first is itself), and `value` divided by 8 (rounded down) is the card's weight for the term, 0 to 100: higher is better.\n\
4. Rank cards by the sum of their weights over the words, favouring cards that have more of the words. Card `n`'s title, address, collection, excerpt and state are row `n mod 16` of `{index}d/<n div 16>.json`; its sections (anchor, heading, text) are entry `n mod 16` of `{index}x/<n div 16>.json`.\n"
    )
}

/// `text` on one line: a title holding a newline must not start a section
/// of its own in `llms.txt`.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}'))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// sitemap.xml needs absolute URLs, so it is written only with `base_url`.
pub fn sitemap(site: &Site, pages: &[String]) -> Option<String> {
    site.ws.config.base_url.as_ref()?;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in pages {
        let url = site_url(site, page.strip_suffix("index.html").unwrap_or(page));
        out.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            super::escape_html(&url)
        ));
    }
    out.push_str("</urlset>\n");
    Some(out)
}
