//! The site's own words in the reader's language: tables in
//! `templates/i18n/<lang>.yaml` (English, Portuguese, Spanish and Hebrew are
//! built in), which a root extends or overrides with files of the same name
//! in its own `templates/i18n/`. The interface language is `ui_lang` of
//! `vouch.yaml`, else its `lang`; a key a table lacks falls back to English.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;

use crate::render::pages::{TemplateError, override_of_in};
use crate::yaml::{self, Value};

/// The built-in tables, by language.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("../../templates/i18n/en.yaml")),
    ("pt", include_str!("../../templates/i18n/pt.yaml")),
    ("es", include_str!("../../templates/i18n/es.yaml")),
    ("he", include_str!("../../templates/i18n/he.yaml")),
];

/// One entry of a table: a message, plural forms of one, or a list.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Entry {
    Text(String),
    Plural(BTreeMap<String, String>),
    List(Vec<String>),
}

/// The words of one interface language.
#[derive(Debug, Clone)]
pub struct Words {
    /// The language as configured (`pt-BR`), for `lang` attributes.
    pub lang: String,
    pub dir: &'static str,
    entries: rustc_hash::FxHashMap<String, Entry>,
}

/// Reads a table's entries; a problem names the file and what is wrong.
fn parse_table(text: &str, shown: &str) -> Result<BTreeMap<String, Entry>, TemplateError> {
    let error = |message: String| TemplateError {
        name: shown.to_owned(),
        message,
    };
    let node = yaml::parse(text, 0..text.len()).map_err(|e| error(e.message))?;
    let entries = match node.value {
        Value::Map(entries) => entries,
        Value::Null => Vec::new(),
        _ => return Err(error("a table is a mapping of keys to words".to_owned())),
    };
    let mut out = BTreeMap::new();
    for (key, value) in entries {
        let entry = match value.value {
            Value::Map(forms) => {
                let mut plural = BTreeMap::new();
                for (form, text) in forms {
                    let Some(text) = text.value.scalar_text() else {
                        return Err(error(format!("`{}.{}` is not text", key.name, form.name)));
                    };
                    plural.insert(form.name, text);
                }
                if !plural.contains_key("other") {
                    return Err(error(format!(
                        "`{}` has plural forms but no `other`",
                        key.name
                    )));
                }
                Entry::Plural(plural)
            }
            Value::Seq(items) => Entry::List(
                items
                    .into_iter()
                    .map(|i| i.value.scalar_text().unwrap_or_default())
                    .collect(),
            ),
            other => match other.scalar_text() {
                Some(text) => Entry::Text(text),
                None => return Err(error(format!("`{}` has no words", key.name))),
            },
        };
        out.insert(key.name, entry);
    }
    Ok(out)
}

/// The plural form of `n` in `lang`, by CLDR's rules for the languages vouch
/// ships and "one"/"other" for the rest (a root's table may give any form;
/// a form it lacks falls back to `other`).
pub fn plural_form(lang: &str, n: i64) -> &'static str {
    match primary(lang).as_str() {
        // Portuguese: 0 and 1 are singular.
        "pt" if n == 0 || n == 1 => "one",
        "he" if n == 1 => "one",
        "he" if n == 2 => "two",
        "pt" | "he" => "other",
        _ if n == 1 => "one",
        _ => "other",
    }
}

fn primary(lang: &str) -> String {
    lang.split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The prefix of the words a root in review terms reads instead.
const REVIEW: &str = "review.";

impl Words {
    /// The words for `lang` (`ui_lang`, else the site's `lang`): the root's
    /// table of that language over the built-in one over English. A region
    /// (`pt-BR`) reads `pt-BR.yaml`, then `pt.yaml`.
    /// With `review`, the root speaks of pages under review (tech-docs-gem's
    /// terms): each `review.KEY` replaces `KEY`.
    pub fn load(root: &Path, lang: &str, review: bool) -> Result<Words, TemplateError> {
        let mut entries = parse_table(BUILT_IN[0].1, "templates/i18n/en.yaml")?;
        let primary = primary(lang);
        let mut names = vec![primary.clone()];
        if lang.to_ascii_lowercase() != primary {
            names.push(lang.to_owned());
        }
        // A card's or a setting's language names a file only when it is a tag.
        names.retain(|n| crate::model::config::is_language_tag(n));
        for name in &names {
            if let Some((_, text)) = BUILT_IN.iter().find(|(l, _)| l == name) {
                entries.extend(parse_table(text, &format!("templates/i18n/{name}.yaml"))?);
            }
            let file = format!("{name}.yaml");
            if let Some(text) = override_of_in(root, "templates/i18n", &file)? {
                let shown = root.join("templates/i18n").join(&file);
                entries.extend(parse_table(&text, &shown.display().to_string())?);
            }
        }
        let overlay: Vec<(String, Entry)> = entries
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(REVIEW)?.to_owned(), v.clone())))
            .collect();
        entries.retain(|k, _| !k.starts_with(REVIEW));
        if review {
            entries.extend(overlay);
        }
        Ok(Words {
            lang: lang.to_owned(),
            dir: crate::render::site::text_direction(lang),
            entries: entries.into_iter().collect(),
        })
    }

    /// The message of `key` (the key itself when no table has it, so a typo
    /// in a template shows rather than vanishing).
    pub fn text<'a>(&'a self, key: &'a str) -> &'a str {
        match self.entries.get(key) {
            Some(Entry::Text(t)) => t,
            Some(Entry::Plural(forms)) => forms.get("other").map_or(key, String::as_str),
            _ => key,
        }
    }

    /// The plural message of `key` for `n`.
    pub fn plural<'a>(&'a self, key: &'a str, n: i64) -> &'a str {
        match self.entries.get(key) {
            Some(Entry::Plural(forms)) => forms
                .get(plural_form(&self.lang, n))
                .or_else(|| forms.get("other"))
                .map_or(key, String::as_str),
            _ => self.text(key),
        }
    }

    /// `key` with its `{name}` holes filled from `args`; `n` (when given)
    /// chooses the plural form and fills `{n}`.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.fill_with(key, args, |message| message.to_owned())
    }

    /// As [`Words::fill`], with the chosen message passed through `prepare`
    /// before its holes are filled (`trh` escapes it there, not the values).
    pub fn fill_with(
        &self,
        key: &str,
        args: &[(&str, &str)],
        prepare: impl Fn(&str) -> String,
    ) -> String {
        let n = args
            .iter()
            .find(|(k, _)| *k == "n")
            .and_then(|(_, v)| v.parse::<i64>().ok());
        let message = match n {
            Some(n) => self.plural(key, n),
            None => self.text(key),
        };
        fill(&prepare(message), |name| {
            args.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
        })
    }

    /// A day in words: "November 25, 2026", "25 de novembro de 2026".
    pub fn date(&self, date: Date) -> String {
        let month = match self.entries.get("months") {
            Some(Entry::List(names)) => names.get(usize::from(date.month().unsigned_abs()) - 1),
            _ => None,
        };
        let month = month.map_or_else(|| date.month().to_string(), Clone::clone);
        let (day, year) = (date.day().to_string(), date.year().to_string());
        fill(self.text("date"), |name| match name {
            "day" => Some(day.as_str()),
            "month" => Some(month.as_str()),
            "year" => Some(year.as_str()),
            _ => None,
        })
    }

    /// A span of days in words ("10 days", "10 dias").
    pub fn days(&self, n: i64) -> String {
        self.fill("days", &[("n", &n.to_string())])
    }

    /// When a card is due, relative to `today`: "due in 3 days",
    /// "due today", "due 10 days ago".
    pub fn due(&self, due: Date, today: Date) -> String {
        match i64::from((due - today).get_days()) {
            0 => self.text("due_today").to_owned(),
            d if d > 0 => self.fill("due_in", &[("span", &self.days(d))]),
            d => self.fill("due_ago", &[("span", &self.days(-d))]),
        }
    }

    /// The templates' `day(iso)`: a `YYYY-MM-DD` day in words, other text
    /// as written.
    pub fn day_of(&self, iso: &str) -> String {
        iso.parse::<Date>()
            .map_or_else(|_| iso.to_owned(), |d| self.date(d))
    }

    /// The templates' `due_words(iso)`: "due in 3 days" as of `today`,
    /// other text as written.
    pub fn due_of(&self, iso: &str, today: Date) -> String {
        iso.parse::<Date>()
            .map_or_else(|_| iso.to_owned(), |d| self.due(d, today))
    }

    /// The templates' `interval_words(written)`: "90 days", "3 months";
    /// other text as written.
    pub fn interval_of(&self, written: &str) -> String {
        use crate::model::interval::{Interval, Unit};
        match written.parse::<Interval>() {
            Ok(i) => {
                let key = match i.unit {
                    Unit::Day => "days",
                    Unit::Week => "weeks",
                    Unit::Month => "months_n",
                    Unit::Year => "years",
                };
                self.fill(key, &[("n", &i.count.to_string())])
            }
            Err(_) => written.to_owned(),
        }
    }

    /// Every entry in key order, for the pages' scripts (the badge clock
    /// and search): the same bytes on every build.
    pub fn entries(&self) -> BTreeMap<&str, &Entry> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v)).collect()
    }
}

/// Replaces each `{name}` in `message` with `value(name)`; an unknown hole
/// stays as written.
pub fn fill<'a>(message: &str, value: impl Fn(&str) -> Option<&'a str>) -> String {
    let mut out = String::with_capacity(message.len() + 16);
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                let name = &after[..close];
                match value(name) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(lang: &str) -> Words {
        Words::load(Path::new("/nonexistent-root"), lang, false).unwrap()
    }

    #[test]
    fn every_built_in_table_has_every_english_key_and_its_holes() {
        let en = words("en");
        for (lang, text) in BUILT_IN {
            let table = parse_table(text, lang).unwrap();
            for (key, entry) in en.entries() {
                let Some(theirs) = table.get(key) else {
                    panic!("{lang}.yaml lacks `{key}`");
                };
                let holes = |e: &Entry| -> Vec<String> {
                    let text = match e {
                        Entry::Text(t) => t.clone(),
                        Entry::Plural(f) => f["other"].clone(),
                        Entry::List(l) => l.join(" "),
                    };
                    let mut h: Vec<String> = text
                        .split('{')
                        .skip(1)
                        .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_owned()))
                        .collect();
                    h.sort();
                    h
                };
                assert_eq!(holes(entry), holes(theirs), "{lang}.yaml `{key}`");
            }
        }
    }

    #[test]
    fn plurals_dates_and_relative_days_follow_the_language() {
        let (en, pt, he) = (words("en"), words("pt-BR"), words("he"));
        assert_eq!(en.days(1), "1 day");
        assert_eq!(en.days(0), "0 days");
        assert_eq!(pt.days(1), "1 dia");
        assert_eq!(pt.days(2), "2 dias");
        assert_eq!(he.days(2), "יומיים");
        assert_eq!(he.days(5), "5 ימים");
        let d: Date = "2026-11-25".parse().unwrap();
        assert_eq!(en.date(d), "November 25, 2026");
        assert_eq!(pt.date(d), "25 de novembro de 2026");
        let today: Date = "2026-12-05".parse().unwrap();
        assert_eq!(en.due(d, today), "due 10 days ago");
        assert_eq!(en.due(today, today), "due today");
        assert_eq!(pt.lang, "pt-BR");
        assert_eq!(he.dir, "rtl");
        assert_eq!(
            words("fr").text("skip"),
            "Skip to content",
            "unknown: English"
        );
    }

    #[test]
    fn holes_are_filled_and_unknown_ones_kept() {
        assert_eq!(
            fill("a {x} b {y} {", |n| (n == "x").then_some("1")),
            "a 1 b {y} {"
        );
    }
}
