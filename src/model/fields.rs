//! Reading typed values out of a YAML mapping, one field at a time, reporting
//! every bad field with its position instead of stopping at the first.

use std::ops::Range;
use std::path::PathBuf;

use jiff::civil::Date;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::interval::{INTERVAL_HELP, Interval};
use crate::source::SourceText;
use crate::stamp::parse_stamp;
use crate::yaml::{Key, Node, Value};

/// Collects the diagnostics of one file.
#[derive(Debug)]
pub struct Reporter {
    pub file: PathBuf,
    pub source: SourceText,
    pub diagnostics: Vec<Diagnostic>,
}

impl Reporter {
    pub fn new(file: PathBuf, source: SourceText) -> Self {
        Reporter {
            file,
            source,
            diagnostics: Vec::new(),
        }
    }

    /// Records a diagnostic at `span` and returns it for `help` and severity.
    pub fn at(
        &mut self,
        code: Code,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::at(code, self.file.clone(), &self.source, span, message);
        self.diagnostics.push(d);
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }
}

impl Diagnostic {
    /// `help` for a diagnostic already recorded by a [`Reporter`].
    pub fn set_help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }
}

/// The entries of a mapping, tracking which ones the reader has used so the rest
/// can be reported as unknown.
pub struct Fields<'a> {
    entries: &'a [(Key, Node)],
    used: Vec<bool>,
}

const EMPTY: &[(Key, Node)] = &[];

impl<'a> Fields<'a> {
    /// The fields of `node`; a null node (an empty file or block) has none. Any
    /// other non-mapping is reported and read as empty.
    pub fn of(node: &'a Node, what: &str, reporter: &mut Reporter) -> Fields<'a> {
        let entries = match &node.value {
            Value::Map(entries) => entries.as_slice(),
            Value::Null => EMPTY,
            other => {
                reporter
                    .at(
                        Code::FrontMatterSyntax,
                        node.span.clone(),
                        format!(
                            "{what} must be a mapping of `key: value` lines, found {}",
                            other.kind()
                        ),
                    )
                    .set_help("write one `key: value` per line");
                EMPTY
            }
        };
        Fields {
            used: vec![false; entries.len()],
            entries,
        }
    }

    /// The entry named `name`, marked as used.
    pub fn take(&mut self, name: &str) -> Option<&'a (Key, Node)> {
        let index = self.entries.iter().position(|(k, _)| k.name == name)?;
        self.used[index] = true;
        Some(&self.entries[index])
    }

    /// Every entry nobody took whose name `wanted` accepts, marked as used,
    /// in one pass (taking them one by one by name is quadratic).
    pub fn take_all(&mut self, wanted: impl Fn(&str) -> bool) -> Vec<&'a (Key, Node)> {
        let mut out = Vec::new();
        for (entry, used) in self.entries.iter().zip(self.used.iter_mut()) {
            if !*used && wanted(&entry.0.name) {
                *used = true;
                out.push(entry);
            }
        }
        out
    }

    /// Entries nobody took, in file order.
    pub fn rest(&self) -> impl Iterator<Item = &'a (Key, Node)> + '_ {
        self.entries
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| !**used)
            .map(|(entry, _)| entry)
    }

    /// Reports each entry nobody took as `unknown-field`, with the closest known
    /// name as a hint.
    pub fn report_unknown(&self, known: &[&str], what: &str, reporter: &mut Reporter) {
        for (key, _) in self.rest() {
            let d = reporter.at(
                Code::UnknownField,
                key.span.clone(),
                format!("unknown key `{}` in {what}", key.name),
            );
            match closest(&key.name, known.iter().copied()) {
                Some(hint) => d.set_help(format!("did you mean `{hint}`?")),
                None => d.set_help(format!("known keys: {}", known.join(", "))),
            };
        }
    }
}

impl Fields<'_> {
    /// Like `report_unknown`, for keys that are close to a known key only.
    pub fn report_typos(&self, known: &[&str], what: &str, reporter: &mut Reporter) {
        for (key, _) in self.rest() {
            if let Some(hint) = closest(&key.name, known.iter().copied()) {
                reporter
                    .at(
                        Code::UnknownField,
                        key.span.clone(),
                        format!("unknown key `{}` in {what}", key.name),
                    )
                    .set_help(format!("did you mean `{hint}`?"));
            }
        }
    }
}

/// The candidate closest to `name`, if it is close enough to be a likely typo.
pub fn closest<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    candidates
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|&(distance, c)| distance <= 2.max(c.len() / 3))
        .min_by_key(|&(distance, c)| (distance, c))
        .map(|(_, c)| c)
}

fn wrong_type(node: &Node, expected: &str, reporter: &mut Reporter) {
    reporter.at(
        Code::InvalidValue,
        node.span.clone(),
        format!("expected {expected}, found {}", node.value.kind()),
    );
}

/// A scalar read as text (`title: 2026` is the title "2026").
pub fn text(node: &Node, reporter: &mut Reporter) -> Option<String> {
    match node.value.scalar_text() {
        Some(s) => Some(s),
        None => {
            wrong_type(node, "text", reporter);
            None
        }
    }
}

/// A list of text items; a single item may be written without brackets.
pub fn text_list(node: &Node, reporter: &mut Reporter) -> Vec<(String, Range<usize>)> {
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|item| text(item, reporter).map(|s| (s, item.span.clone())))
            .collect(),
        Value::Null => Vec::new(),
        _ => text(node, reporter)
            .map(|s| vec![(s, node.span.clone())])
            .unwrap_or_default(),
    }
}

pub fn boolean(node: &Node, reporter: &mut Reporter) -> Option<bool> {
    match node.value {
        Value::Bool(b) => Some(b),
        _ => {
            wrong_type(node, "`true` or `false`", reporter);
            None
        }
    }
}

/// A calendar date written `YYYY-MM-DD`, or a verification stamp with its
/// UTC time (`YYYY-MM-DDTHH:MM:SSZ`, see [`Stamp`]): its day.
pub fn date(node: &Node, reporter: &mut Reporter) -> Option<Date> {
    read_date(node, reporter, |s| parse_stamp(s).map(|s| s.date), "", "")
}

/// `last_reviewed_on` as tech-docs-gem reads it (see
/// [`crate::stamp::parse_gem_date`]).
pub fn gem_date(node: &Node, reporter: &mut Reporter) -> Option<Date> {
    read_date(
        node,
        reporter,
        crate::stamp::parse_gem_date,
        " tech-docs-gem reads",
        " (a day-first or month-first date such as 05/01/2026 reads differently by country)",
    )
}

/// A date by `parse`, or `invalid-date` saying what was written.
fn read_date(
    node: &Node,
    reporter: &mut Reporter,
    parse: impl Fn(&str) -> Option<Date>,
    reader: &str,
    note: &str,
) -> Option<Date> {
    let written = node.value.scalar_text();
    let parsed = written.as_deref().and_then(parse);
    if parsed.is_none() {
        let shown = written.unwrap_or_else(|| node.value.kind().to_owned());
        reporter
            .at(
                Code::InvalidDate,
                node.span.clone(),
                format!("`{shown}` is not a date{reader}"),
            )
            .set_help(format!(
                "write the date as YYYY-MM-DD, for example 2026-10-01{note}"
            ));
    }
    parsed
}

pub fn interval(node: &Node, reporter: &mut Reporter) -> Option<Interval> {
    let Some(written) = node.value.scalar_text() else {
        reporter
            .at(
                Code::InvalidInterval,
                node.span.clone(),
                format!("expected an interval, found {}", node.value.kind()),
            )
            .set_help(INTERVAL_HELP);
        return None;
    };
    match written.parse::<Interval>() {
        Ok(i) => Some(i),
        Err(e) => {
            reporter
                .at(Code::InvalidInterval, node.span.clone(), e.0)
                .set_help(INTERVAL_HELP);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_suggests_typos_only() {
        let known = ["verified", "verified_by", "owners", "title"];
        assert_eq!(closest("verifed", known.into_iter()), Some("verified"));
        assert_eq!(closest("owner", known.into_iter()), Some("owners"));
        assert_eq!(closest("colour", known.into_iter()), None);
    }
}
