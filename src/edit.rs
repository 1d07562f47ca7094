//! Byte-preserving edits of a card's front matter: `vouch verify` sets
//! `verified` and `verified_by` and changes no other byte. Comments, quoting,
//! key order, line endings, a byte-order mark and the body stay as they were.

use std::ops::Range;

use thiserror::Error;

use crate::front_matter;
use crate::stamp::Stamp;
use crate::yaml::{self, Value};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum EditError {
    #[error("the card has no front matter to record a verification in")]
    NoFrontMatter,
    #[error("the card's front matter is not valid YAML: {0}")]
    Syntax(String),
    #[error("the card's front matter is not a mapping of keys")]
    NotAMapping,
    #[error("`{0}` is not a single value on its own line, so it cannot be edited in place")]
    Unsupported(&'static str),
}

/// A replacement of `range` in the text by `with`.
struct Splice {
    range: Range<usize>,
    with: String,
}

/// Returns `text` with the verification date set to `stamp` (a date, or a
/// date with its UTC time) and the verifier to `by`. The date goes where the card keeps it (`verified`, or
/// tech-docs-gem's `last_reviewed_on`); missing keys are added as the last
/// lines of the front matter, with the file's own line ending.
pub fn set_verification(
    text: &str,
    stamp: impl Into<Stamp>,
    by: &str,
) -> Result<String, EditError> {
    let date = stamp.into();
    let split = front_matter::split(text);
    let Some(yaml_range) = split.yaml.clone().filter(|_| !split.unclosed) else {
        return Err(EditError::NoFrontMatter);
    };
    let node = yaml::parse(text, yaml_range.clone()).map_err(|e| EditError::Syntax(e.message))?;
    let entries = match node.value {
        Value::Map(entries) => entries,
        Value::Null => Vec::new(),
        _ => return Err(EditError::NotAMapping),
    };
    let find = |name: &str| entries.iter().find(|(k, _)| k.name == name);
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut splices = Vec::new();
    let mut added = String::new();

    match find("verified") {
        Some((_, value)) => {
            splices.push(replace_scalar(text, value, &date.to_string(), "verified")?)
        }
        // tech-docs-gem reads `last_reviewed_on` as a day: it gets no time.
        None => match find("last_reviewed_on") {
            Some((_, value)) => splices.push(replace_scalar(
                text,
                value,
                &date.date.to_string(),
                "last_reviewed_on",
            )?),
            None => added.push_str(&format!("verified: {date}{newline}")),
        },
    }
    match find("verified_by") {
        Some((_, value)) => splices.push(replace_scalar(text, value, by, "verified_by")?),
        None => added.push_str(&format!(
            "verified_by: {}{newline}",
            crate::yaml::scalar_for(by)
        )),
    }
    if !added.is_empty() {
        // New keys go right before the closing delimiter; a last line without
        // a line ending gets one first.
        let at = yaml_range.end;
        let needs_break = at > yaml_range.start && !text[..at].ends_with('\n');
        let with = if needs_break {
            format!("{newline}{added}")
        } else {
            added
        };
        splices.push(Splice {
            range: at..at,
            with,
        });
    }
    splices.sort_by_key(|s| s.range.start);
    let mut out = String::with_capacity(text.len() + 64);
    let mut last = 0;
    for s in splices {
        out.push_str(&text[last..s.range.start]);
        out.push_str(&s.with);
        last = s.range.end;
    }
    out.push_str(&text[last..]);
    Ok(out)
}

/// Replaces a scalar value in place, keeping its quotes: only the characters
/// between them change.
fn replace_scalar(
    text: &str,
    value: &yaml::Node,
    new: &str,
    key: &'static str,
) -> Result<Splice, EditError> {
    let written = &text[value.span.clone()];
    if written.contains('\n') || matches!(value.value, Value::Seq(_) | Value::Map(_)) {
        return Err(EditError::Unsupported(key));
    }
    let (quote, inner) = match written.chars().next() {
        Some(q @ ('"' | '\'')) if written.len() >= 2 && written.ends_with(q) => {
            (Some(q), value.span.start + 1..value.span.end - 1)
        }
        _ => (None, value.span.clone()),
    };
    let with = match quote {
        Some('\'') => new.replace('\'', "''"),
        Some(_) => new.replace('\\', "\\\\").replace('"', "\\\""),
        None if value.span.is_empty() => format!(" {}", crate::yaml::scalar_for(new)),
        None => crate::yaml::scalar_for(new),
    };
    Ok(Splice { range: inner, with })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Date;

    fn date() -> Date {
        "2026-11-25".parse().unwrap()
    }

    #[test]
    fn only_the_values_change() {
        let text = "\u{feff}---\r\n# owners first\r\nowners: [billing]   # the team\r\nverified: '2026-01-01'\r\ntitle: \"Refunds\"\r\nverified_by: joao\r\n---\r\nBody\r\n";
        let out = set_verification(text, date(), "maria").unwrap();
        assert_eq!(
            out,
            "\u{feff}---\r\n# owners first\r\nowners: [billing]   # the team\r\nverified: '2026-11-25'\r\ntitle: \"Refunds\"\r\nverified_by: maria\r\n---\r\nBody\r\n"
        );
    }

    #[test]
    fn a_time_goes_into_verified_but_not_into_the_gems_day_field() {
        let stamp = Stamp {
            date: date(),
            time: Some(jiff::civil::Time::new(14, 3, 27, 0).unwrap()),
        };
        let out = set_verification("---\nverified: 2026-11-25\n---\n", stamp, "ana").unwrap();
        assert_eq!(
            out,
            "---\nverified: 2026-11-25T14:03:27Z\nverified_by: ana\n---\n"
        );
        let gem = "---\nlast_reviewed_on: 2026-11-25\nverified_by: ana\n---\n";
        assert_eq!(set_verification(gem, stamp, "ana").unwrap(), gem);
    }

    #[test]
    fn missing_keys_are_added_before_the_closer() {
        let out = set_verification("---\ntitle: A\n---\nBody\n", date(), "@maria").unwrap();
        assert_eq!(
            out,
            "---\ntitle: A\nverified: 2026-11-25\nverified_by: \"@maria\"\n---\nBody\n"
        );
        let out = set_verification("---\n---\n", date(), "ana").unwrap();
        assert_eq!(out, "---\nverified: 2026-11-25\nverified_by: ana\n---\n");
    }

    #[test]
    fn tech_docs_dates_stay_where_they_are() {
        let out = set_verification(
            "---\ntitle: A\nlast_reviewed_on: 2020-01-01\nreview_in: 6 months\n---\n",
            date(),
            "ana",
        )
        .unwrap();
        assert_eq!(
            out,
            "---\ntitle: A\nlast_reviewed_on: 2026-11-25\nreview_in: 6 months\nverified_by: ana\n---\n"
        );
    }

    #[test]
    fn unreadable_front_matter_is_refused() {
        assert_eq!(
            set_verification("no front matter\n", date(), "a"),
            Err(EditError::NoFrontMatter)
        );
        assert!(matches!(
            set_verification("---\ntitle: [\n---\n", date(), "a"),
            Err(EditError::Syntax(_))
        ));
        assert_eq!(
            set_verification("---\nverified:\n  - 2020-01-01\n---\n", date(), "a"),
            Err(EditError::Unsupported("verified"))
        );
    }
}
