//! A YAML tree where every key and value knows its byte range in the file.
//!
//! serde-saphyr parses (it is maintained, panic-free, budgets alias expansion and
//! reports byte offsets for every node through `Spanned`); this module turns its
//! output into a small tree so the model can read field by field and report every
//! bad field of a card, instead of failing on the first as a derived struct would.

use std::fmt;
use std::ops::Range;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, MessageFormatter, Spanned, UserMessageFormatter};

/// A YAML value with the byte range it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A mapping key and its byte range.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Range<usize>,
}

/// A YAML syntax error, positioned in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

impl Value {
    /// How the value is described in "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// A scalar as the text a user wrote, e.g. to accept `verify_every: 30` as "30".
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }
}

/// Parses the YAML in `text[range]`; spans in the result are offsets into `text`.
pub fn parse(text: &str, range: Range<usize>) -> Result<Node, SyntaxError> {
    let yaml = &text[range.clone()];
    let base = range.start;
    match serde_saphyr::from_str::<Spanned<Raw>>(yaml) {
        Ok(raw) => Ok(convert(raw, yaml, base)),
        Err(err) => {
            let err = err.without_snippet();
            let message = UserMessageFormatter.format_message(err).into_owned();
            let offset = err
                .location()
                .map_or(0, |loc| offset_of(&loc, yaml).unwrap_or(0));
            Err(SyntaxError {
                message,
                offset: base + offset,
            })
        }
    }
}

/// The byte offset of a location: its recorded byte offset when there is one,
/// else computed from its line and column.
fn offset_of(loc: &Location, yaml: &str) -> Option<usize> {
    if let Some(byte) = loc.span().byte_offset() {
        return usize::try_from(byte).ok().filter(|&b| b <= yaml.len());
    }
    let line = usize::try_from(loc.line()).ok()?.checked_sub(1)?;
    let column = usize::try_from(loc.column()).ok()?.saturating_sub(1);
    let line_start = if line == 0 {
        0
    } else {
        yaml.match_indices('\n').nth(line - 1)?.0 + 1
    };
    let in_line = yaml[line_start..]
        .char_indices()
        .nth(column)
        .map_or(yaml.len() - line_start, |(i, _)| i);
    Some(line_start + in_line)
}

fn span_of(loc: &Location, yaml: &str, base: usize) -> Range<usize> {
    let start = offset_of(loc, yaml).unwrap_or(0);
    let len = loc
        .span()
        .byte_len()
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(0);
    let end = (start + len).min(yaml.len());
    base + start..base + end
}

fn convert(raw: Spanned<Raw>, yaml: &str, base: usize) -> Node {
    let span = span_of(&raw.referenced, yaml, base);
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(i) => Value::Int(i),
        Raw::Float(f) => Value::Float(f),
        Raw::Str(s) => Value::Str(s),
        Raw::Seq(items) => Value::Seq(
            items
                .into_iter()
                .map(|item| convert(item, yaml, base))
                .collect(),
        ),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(key, value)| {
                    let key = Key {
                        span: span_of(&key.referenced, yaml, base),
                        name: key.value,
                    };
                    (key, convert(value, yaml, base))
                })
                .collect(),
        ),
    };
    Node { value, span }
}

/// What serde-saphyr hands back before spans become byte ranges of the file.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<String>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Raw::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(text: &str) -> Result<Node, SyntaxError> {
        parse(text, 0..text.len())
    }

    #[test]
    fn keys_and_values_carry_file_offsets() {
        let text = "---\ntitle: Réfund\nowners: [a, b]\n";
        let node = parse(text, 4..text.len()).unwrap();
        let Value::Map(entries) = node.value else {
            panic!("expected a map")
        };
        assert_eq!(entries[0].0.name, "title");
        assert_eq!(&text[entries[0].0.span.clone()], "title");
        assert_eq!(&text[entries[0].1.span.clone()], "Réfund");
        let Value::Seq(items) = &entries[1].1.value else {
            panic!("expected a list")
        };
        assert_eq!(&text[items[1].span.clone()], "b");
    }

    #[test]
    fn dates_stay_text_and_numbers_do_not() {
        let node = parse_all("a: 2026-10-01\nb: 30\nc: yes\n").unwrap();
        let Value::Map(entries) = node.value else {
            panic!("expected a map")
        };
        assert_eq!(entries[0].1.value, Value::Str("2026-10-01".into()));
        assert_eq!(entries[1].1.value, Value::Int(30));
    }

    #[test]
    fn syntax_errors_point_into_the_file() {
        let text = "---\na: 1\na: 2\n";
        let err = parse(text, 4..text.len()).unwrap_err();
        assert_eq!(err.offset, 9, "{err:?}");
        assert!(err.message.contains("duplicate"), "{}", err.message);
    }
}
