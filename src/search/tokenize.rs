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
    // No more bytes than MAX_WORD: no more characters either.
    if word.len() <= MAX_WORD {
        return word;
    }
    word.char_indices()
        .nth(MAX_WORD)
        .map_or(word, |(end, _)| &word[..end])
}

/// Calls `each` with every word of `text`, folded but not stemmed, in order;
/// no allocation per word, so indexing a large site stays cheap.
pub fn for_each_word(text: &str, mut each: impl FnMut(&str)) {
    if text.is_ascii() {
        // The same result without Unicode tables: most text is ASCII.
        // Byte by byte: splitting by `char` decoded every byte again.
        let lower = text.to_ascii_lowercase();
        let mut start = 0;
        for (i, b) in lower.bytes().enumerate() {
            if !b.is_ascii_alphanumeric() {
                if i > start {
                    each(cut(&lower[start..i]));
                }
                start = i + 1;
            }
        }
        if start < lower.len() {
            each(cut(&lower[start..]));
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

/// English: plurals, then `-ing`/`-ed` (a doubled consonant before them is
/// undoubled: `running` → `run`) and `-ation` → `-ate`, then a final `-e`,
/// so `create`, `creates`, `created`, `creating` and `creation` share
/// `creat`.
pub const ENGLISH: Stemmer = &[
    &[
        Rule("sses", "ss", 2),
        Rule("ies", "y", 2),
        Rule("ss", "ss", 1),
        Rule("us", "us", 1),
        Rule("is", "is", 1),
        Rule("s", "", 3),
    ],
    &[
        Rule("ied", "y", 2),
        Rule("bbing", "b", 2),
        Rule("dding", "d", 2),
        Rule("gging", "g", 2),
        Rule("mming", "m", 2),
        Rule("nning", "n", 2),
        Rule("pping", "p", 2),
        Rule("tting", "t", 2),
        Rule("bbed", "b", 2),
        Rule("dded", "d", 2),
        Rule("gged", "g", 2),
        Rule("mmed", "m", 2),
        Rule("nned", "n", 2),
        Rule("pped", "p", 2),
        Rule("tted", "t", 2),
        Rule("ing", "", 3),
        Rule("ed", "", 3),
        Rule("ation", "ate", 3),
    ],
    &[Rule("e", "", 3)],
];

/// Stop words: words a question is made of (`how do I …`, `como faço
/// para …`) that say nothing about which card answers it. They are indexed
/// like any word, but a query ignores them unless it has nothing else, and
/// they never join a neighbour into a compound (see [`joins`]). Folded, as
/// [`fold`] leaves them; shipped to the client in `meta.json`.
pub const STOP_WORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "a", "about", "am", "an", "and", "any", "are", "as", "at", "be", "been", "being",
            "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from", "had", "has",
            "have", "having", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into",
            "is", "it", "its", "me", "my", "of", "on", "or", "our", "she", "should", "so", "than",
            "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
            "to", "us", "was", "we", "were", "what", "when", "where", "which", "who", "whom",
            "why", "will", "with", "would", "you", "your",
        ],
    ),
    (
        "pt",
        &[
            "a", "ao", "aos", "as", "com", "como", "da", "das", "de", "do", "dos", "e", "ela",
            "elas", "ele", "eles", "em", "essa", "esse", "esta", "este", "eu", "faco", "fazer",
            "isso", "isto", "meu", "minha", "na", "nas", "no", "nos", "o", "onde", "os", "ou",
            "para", "pela", "pelo", "por", "porque", "pra", "quais", "qual", "quando", "que", "se",
            "sem", "seu", "sua", "um", "uma", "umas", "uns", "voce",
        ],
    ),
    (
        "es",
        &[
            "a", "al", "como", "con", "cual", "cuales", "cuando", "de", "del", "donde", "el", "en",
            "es", "esa", "ese", "esta", "este", "esto", "hacer", "hago", "la", "las", "le", "les",
            "lo", "los", "me", "mi", "mis", "o", "para", "por", "porque", "puedo", "que", "se",
            "sin", "su", "sus", "te", "tu", "un", "una", "unas", "unos", "y", "yo",
        ],
    ),
];

/// Whether a folded word is a stop word in any language of [`STOP_WORDS`]:
/// a query in one language may be asked of cards in another.
pub fn is_stop(word: &str) -> bool {
    // One hash lookup: a binary search in each language's list was 1.2% of
    // a build's instructions.
    static ALL: std::sync::OnceLock<rustc_hash::FxHashSet<&str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        STOP_WORDS
            .iter()
            .flat_map(|(_, words)| words.iter().copied())
            .collect()
    })
    .contains(word)
}

/// Hebrew's one-letter prefixes (and, or `ו`; the `ה`; in `ב`; to `ל`; from
/// `מ`; that `ש`; as `כ`), written joined to the word: `בתורנות` is `ב` +
/// `תורנות`.
pub const HEBREW_PREFIXES: &str = "ובהלמשכ";

/// The forms of a Hebrew word without one or two leading prefix letters,
/// keeping at least three letters: `והסיסמה` gives `הסיסמה` and `סיסמה`.
/// Cards are indexed under these forms too and queries look them up, so a
/// prefixed word and its bare form find each other whichever side has the
/// prefix. Empty for a word that is not Hebrew.
pub fn hebrew_forms(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    // Hebrew letters are two bytes from 0xD7: most words start otherwise.
    if word.as_bytes().first() != Some(&0xD7) {
        return out;
    }
    let mut rest = word;
    for _ in 0..2 {
        let mut chars = rest.chars();
        let Some(first) = chars.next() else { break };
        if !HEBREW_PREFIXES.contains(first) || !chars.clone().all(is_hebrew_letter) {
            break;
        }
        if chars.clone().count() < 3 {
            break;
        }
        rest = chars.as_str();
        out.push(rest);
    }
    out
}

fn is_hebrew_letter(c: char) -> bool {
    ('\u{05D0}'..='\u{05EA}').contains(&c)
}

/// The parts of `text`'s words written in camel case, folded: `AzureAD`
/// gives `azure` and `ad`, `StatefulSets` gives `stateful` and `sets`,
/// `XMLHttp` gives `xml` and `http`. A part starts at an upper-case letter
/// after a lower-case one, and at the last of a run of upper-case letters
/// that a lower-case one follows. Cards are indexed under the parts as well
/// as under the whole word. Words without such a change give nothing.
pub fn for_each_camel_part(text: &str, mut each: impl FnMut(&str)) {
    let ascii = text.is_ascii();
    // Most text has no upper-case letter right after a letter or digit
    // (sentences start after a space): one pass over the bytes says so.
    if ascii
        && !text
            .as_bytes()
            .windows(2)
            .any(|w| w[0].is_ascii_alphanumeric() && w[1].is_ascii_uppercase())
    {
        return;
    }
    let apart = |c: char| {
        if ascii {
            !c.is_ascii_alphanumeric()
        } else {
            !is_word_char(c) || is_cjk(c)
        }
    };
    for word in text.split(apart) {
        // Most words have no upper-case letter after their first.
        if !word.chars().skip(1).any(char::is_uppercase) {
            continue;
        }
        let chars: Vec<char> = word.chars().collect();
        let mut cuts = vec![0];
        for i in 1..chars.len() {
            let (before, here) = (chars[i - 1], chars[i]);
            let after = chars.get(i + 1).copied();
            if here.is_uppercase()
                && (before.is_lowercase()
                    || (before.is_uppercase() && after.is_some_and(char::is_lowercase)))
            {
                cuts.push(i);
            }
        }
        if cuts.len() > 1 {
            cuts.push(chars.len());
            for pair in cuts.windows(2) {
                let part: String = chars[pair[0]..pair[1]].iter().collect();
                for_each_word(&part, &mut each);
            }
        }
    }
}

/// Compounds of neighbouring words: each pair of adjacent words, neither a
/// stop word, written as one (`hosted zone` → `hostedzone`). Titles, tags and
/// headings are indexed under their pairs and a query looks its own pairs
/// up, so `Hostedzone` finds "Hosted Zone" and `hiera data` finds
/// "hieradata"; a card with a query's pair also ranks as a phrase match.
pub fn joins(words: &[String]) -> Vec<String> {
    words
        .windows(2)
        .filter(|pair| !is_stop(&pair[0]) && !is_stop(&pair[1]))
        .map(|pair| cut(&format!("{}{}", pair[0], pair[1])).to_owned())
        .collect()
}

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

    /// ASCII text is split byte by byte; the words are those of splitting
    /// at every character that is not a letter or digit, each cut at
    /// [`MAX_WORD`].
    #[test]
    fn ascii_words_split_at_every_other_byte() {
        let long = "Z".repeat(MAX_WORD + 5);
        let mut seed = 11u64;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..10 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let pick = (seed >> 33) as usize;
                text.push_str(match pick % 6 {
                    0 => " ",
                    1 => "Ab9",
                    2 => "-_.",
                    3 => &long,
                    4 => "\t\x0b",
                    _ => "x",
                });
            }
            let expected: Vec<String> = text
                .to_ascii_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| w.chars().take(MAX_WORD).collect())
                .collect();
            assert_eq!(words(&text), expected, "{text:?}");
        }
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
        same("create", "creating", "en");
        same("created", "creation", "en");
        same("running", "run", "en");
        same("committed", "commit", "en");
        same("rotate", "rotation", "en");
        same("machine", "machines", "en");
        assert_eq!(terms("class status", "en"), ["class", "status"]);
        assert_eq!(terms("מדיניות", "he"), ["מדיניות"]);
    }

    #[test]
    fn stop_words_are_sorted_and_folded() {
        for (lang, words) in STOP_WORDS {
            assert!(words.windows(2).all(|w| w[0] < w[1]), "{lang} is sorted");
            for w in *words {
                assert_eq!(&fold(w), w, "{lang}: {w} is folded");
            }
        }
        assert!(is_stop("how") && is_stop("faco") && is_stop("donde"));
        assert!(!is_stop("refund") && !is_stop("use"));
    }

    #[test]
    fn hebrew_prefixes_come_off() {
        assert_eq!(hebrew_forms("בתורנות"), ["תורנות"]);
        assert_eq!(hebrew_forms("ובתורנות"), ["בתורנות", "תורנות"]);
        assert_eq!(hebrew_forms("והסיסמה"), ["הסיסמה", "סיסמה"]);
        assert_eq!(hebrew_forms("לקוח"), ["קוח"]);
        assert!(hebrew_forms("בית").is_empty(), "three letters stay");
        assert!(hebrew_forms("תקלה").is_empty(), "no prefix letter");
        assert!(hebrew_forms("bank").is_empty());
    }

    #[test]
    fn camel_case_words_come_apart() {
        let parts = |text: &str| {
            let mut out = Vec::new();
            for_each_camel_part(text, |p| out.push(p.to_owned()));
            out
        };
        assert_eq!(parts("AzureAD and EntraID"), ["azure", "ad", "entra", "id"]);
        assert_eq!(
            parts("StatefulSets, XMLHttpRequest"),
            ["stateful", "sets", "xml", "http", "request"]
        );
        assert_eq!(parts("NoSQL SpeedCurve"), ["no", "sql", "speed", "curve"]);
        assert!(parts("plain words, UPPER, Title").is_empty());
        assert_eq!(parts("ÉtatCivil"), ["etat", "civil"]);
    }

    #[test]
    fn neighbours_join_unless_one_is_a_stop_word() {
        let w = |s: &str| words(s);
        assert_eq!(
            joins(&w("Creating a Route 53 Hosted Zone")),
            ["route53", "53hosted", "hostedzone"]
        );
        assert_eq!(joins(&w("hiera data")), ["hieradata"]);
        assert!(joins(&w("how do I")).is_empty());
    }
}
