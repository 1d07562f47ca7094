//! The search tokenizer. The browser client (`templates/site/search.js`) does
//! exactly the same, step for step, and a test runs both on the same strings:
//!
//! 1. lower-case; 2. decompose (NFD) and drop nonspacing marks, so `ção`
//!    becomes `cao` and Hebrew points disappear; 3. words are runs of letters,
//!    digits and the remaining (spacing) marks; a Han, Hiragana or Katakana character is a word of its own
//!    (those scripts do not separate words with spaces); 4. a light stemmer,
//!    whose rules are data shipped to the client, strips plural and gender
//!    endings in Portuguese, Spanish and English.
//!
//! vouch tokenizes itself rather than through a search crate's pipeline:
//! elasticlunr-rs's pipelines drop Hebrew and other non-Latin words and strip
//! digits in Portuguese and Spanish (see `knowledge/decisions/search-index.md`).

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// Lower-cases and strips accents: nonspacing marks only, so Latin accents,
/// Hebrew points and Arabic vowel marks go, while the spacing vowel signs that
/// Indic scripts need to spell a word stay.
pub fn fold(text: &str) -> String {
    text.to_lowercase()
        .nfd()
        .filter(|c| c.general_category() != GeneralCategory::NonspacingMark)
        .collect()
}

/// Han, Hiragana and Katakana: each character is a word. The client uses the
/// same ranges.
pub const CJK_RANGES: &[(u32, u32)] = &[
    (0x3040, 0x30FF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF66, 0xFF9F),
    (0x20000, 0x2FA1F),
];

fn is_cjk(c: char) -> bool {
    let c = c as u32;
    CJK_RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// Letters, digits, and the marks left after folding (Indic vowel signs).
fn is_word_char(c: char) -> bool {
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number | GeneralCategoryGroup::Mark
    )
}

/// Words longer than this many characters are cut to it, here and in the
/// browser: nobody types them whole, and a 60,000-letter "word" must not
/// grow the index (or the index's tries) without bound.
pub const MAX_WORD: usize = 64;

/// `word` cut to [`MAX_WORD`] characters.
fn cut(word: &str) -> &str {
    match word.char_indices().nth(MAX_WORD) {
        Some((end, _)) if word.len() > MAX_WORD => &word[..end],
        _ => word,
    }
}

/// Calls `each` with every word of `text`, folded but not stemmed, in order;
/// no allocation per word, so indexing a large site stays cheap.
pub fn for_each_word(text: &str, mut each: impl FnMut(&str)) {
    if text.is_ascii() {
        // The same result without Unicode tables: most text is ASCII.
        let lower = text.to_ascii_lowercase();
        for w in lower.split(|c: char| !c.is_ascii_alphanumeric()) {
            if !w.is_empty() {
                each(cut(w));
            }
        }
        return;
    }
    let folded = fold(text);
    let mut current = String::new();
    let mut one = [0u8; 4];
    for c in folded.chars() {
        if is_cjk(c) {
            if !current.is_empty() {
                each(cut(&current));
                current.clear();
            }
            each(c.encode_utf8(&mut one));
        } else if is_word_char(c) {
            current.push(c);
        } else if !current.is_empty() {
            each(cut(&current));
            current.clear();
        }
    }
    if !current.is_empty() {
        each(cut(&current));
    }
}

/// The words of `text`, folded but not stemmed.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(w.to_owned()));
    out
}

/// One stemming rule: a word ending in `suffix`, whose stem keeps at least
/// `min` characters, ends in `replacement` instead.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Rule(pub &'static str, pub &'static str, pub usize);

/// A language's stemmer: steps applied in order; in each step the first rule
/// that matches applies (a rule replacing a suffix by itself protects it).
pub type Stemmer = &'static [&'static [Rule]];

const VOWELS: &[Rule] = &[Rule("a", "", 3), Rule("o", "", 3), Rule("e", "", 3)];

pub const PORTUGUESE: Stemmer = &[
    &[
        Rule("coes", "cao", 3),
        Rule("oes", "ao", 3),
        Rule("aes", "ao", 3),
        Rule("ais", "al", 3),
        Rule("eis", "el", 3),
        Rule("ois", "ol", 3),
        Rule("res", "r", 3),
        Rule("zes", "z", 3),
        Rule("ns", "m", 3),
        Rule("ss", "ss", 1),
        Rule("s", "", 3),
    ],
    VOWELS,
];

pub const SPANISH: Stemmer = &[
    &[
        Rule("ciones", "cion", 3),
        Rule("siones", "sion", 3),
        Rule("ces", "z", 3),
        Rule("res", "r", 3),
        Rule("les", "l", 3),
        Rule("nes", "n", 3),
        Rule("des", "d", 3),
        Rule("ss", "ss", 1),
        Rule("s", "", 3),
    ],
    VOWELS,
];

pub const ENGLISH: Stemmer = &[
    &[
        Rule("sses", "ss", 2),
        Rule("ies", "y", 2),
        Rule("ss", "ss", 1),
        Rule("us", "us", 1),
        Rule("is", "is", 1),
        Rule("s", "", 3),
    ],
    &[Rule("ied", "y", 2), Rule("ing", "", 3), Rule("ed", "", 3)],
];

/// The stemmer for a BCP 47 language tag, by its primary subtag.
pub fn stemmer(lang: &str) -> Option<(&'static str, Stemmer)> {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match primary.as_str() {
        "pt" => Some(("pt", PORTUGUESE)),
        "es" => Some(("es", SPANISH)),
        "en" => Some(("en", ENGLISH)),
        _ => None,
    }
}

/// Stems a folded word. Words with digits, and short words, stay as they are.
pub fn stem(word: &str, stemmer: Stemmer) -> String {
    if word.chars().count() <= 3 || word.chars().any(|c| c.is_numeric()) {
        return word.to_owned();
    }
    let mut word = word.to_owned();
    for step in stemmer {
        for Rule(suffix, replacement, min) in step.iter() {
            if let Some(base) = word.strip_suffix(suffix)
                && base.chars().count() >= *min
            {
                word = format!("{base}{replacement}");
                break;
            }
        }
    }
    word
}

/// The index terms of `text` in language `lang`.
pub fn terms(text: &str, lang: &str) -> Vec<String> {
    let words = words(text);
    match stemmer(lang) {
        Some((_, s)) => words.iter().map(|w| stem(w, s)).collect(),
        None => words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_every_script() {
        assert_eq!(
            words("Verificação de Reembolsos"),
            ["verificacao", "de", "reembolsos"]
        );
        assert_eq!(words("מְדִינִיּוּת החזרים"), ["מדיניות", "החזרים"]);
        assert_eq!(
            words("e-mail 2FA: 10.000 linhas 🚀"),
            ["e", "mail", "2fa", "10", "000", "linhas"]
        );
        assert_eq!(
            words("返金ポリシー abc"),
            ["返", "金", "ホ", "リ", "シ", "ー", "abc"],
            "sound marks fold away too"
        );
        assert_eq!(words("ΣΟΦΟΣ"), ["σοφος"]);
        assert_eq!(words("हिन्दी"), ["हिनदी"], "spacing vowel signs stay");
    }

    #[test]
    fn inflected_forms_share_a_stem() {
        let same = |a: &str, b: &str, lang: &str| {
            assert_eq!(terms(a, lang), terms(b, lang), "{a} / {b} ({lang})")
        };
        same("engenheiro", "engenheiros", "pt");
        same("engenheira", "engenheiros", "pt");
        same("verificação", "verificações", "pt-BR");
        same("conocimiento", "conocimientos", "es");
        same("ciudad", "ciudades", "es");
        same("notificación", "notificaciones", "es");
        same("refund", "refunds", "en");
        same("policy", "policies", "en");
        same("verify", "verified", "en");
        assert_eq!(terms("class status", "en"), ["class", "status"]);
        assert_eq!(terms("מדיניות", "he"), ["מדיניות"]);
    }
}
