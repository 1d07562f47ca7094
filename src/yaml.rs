//! A YAML tree where every key and value knows its byte range in the file.
//!
//! Built from saphyr-parser's events (the saphyr project's YAML 1.2 parser)
//! rather than through serde: the model reads field by field so it can report
//! every bad field of a card instead of failing on the first, as a derived
//! struct would; and measured on a typical card's front matter, the event
//! parser takes about 4 µs where serde-saphyr's `Spanned` tree took 15 µs,
//! which is most of the difference between `check` on 10,000 cards in 0.13 s
//! and in 0.22 s.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError};

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

impl Node {
    /// A mapping's value for `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }
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

    /// A scalar as the text a user wrote, e.g. to accept `title: 2026` as "2026".
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

/// Aliases may repeat nodes; past this many nodes in one document the input is
/// treated as an attack (the "billion laughs") rather than as front matter.
const NODE_BUDGET: usize = 100_000;

/// Parses the first YAML document in `text[range]`; spans in the result are
/// byte offsets into `text`. An empty document is `Value::Null`.
pub fn parse(text: &str, range: Range<usize>) -> Result<Node, SyntaxError> {
    match simple::parse(text, range.clone()) {
        Some(node) => Ok(node),
        None => parse_events(text, range),
    }
}

/// [`parse`] through saphyr-parser's events, for any YAML.
fn parse_events(text: &str, range: Range<usize>) -> Result<Node, SyntaxError> {
    let yaml = &text[range.clone()];
    let offsets = Offsets::new(yaml, range.start);
    let mut builder = Builder {
        offsets: &offsets,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
    };
    for event in Parser::new_from_str(yaml) {
        let (event, span) = event.map_err(|e| scan_error(&e, &offsets))?;
        if builder.event(event, span.start, span.end)? {
            break;
        }
    }
    Ok(builder.root.unwrap_or(Node {
        value: Value::Null,
        span: range.start..range.start,
    }))
}

fn scan_error(e: &ScanError, offsets: &Offsets) -> SyntaxError {
    SyntaxError {
        message: e.info().to_owned(),
        offset: offsets.byte(e.marker()),
    }
}

/// Turns saphyr's character indexes into byte offsets of the file.
struct Offsets {
    base: usize,
    /// Byte offset of each character, when the text is not ASCII.
    chars: Option<Vec<usize>>,
    len: usize,
}

impl Offsets {
    fn new(yaml: &str, base: usize) -> Self {
        let chars = (!yaml.is_ascii()).then(|| yaml.char_indices().map(|(i, _)| i).collect());
        Offsets {
            base,
            chars,
            len: yaml.len(),
        }
    }

    fn byte(&self, marker: &Marker) -> usize {
        let index = marker.index();
        let within = match &self.chars {
            None => index.min(self.len),
            Some(chars) => chars.get(index).copied().unwrap_or(self.len),
        };
        self.base + within
    }
}

enum Frame {
    Seq {
        anchor: usize,
        start: usize,
        items: Vec<Node>,
    },
    Map {
        anchor: usize,
        start: usize,
        entries: Vec<(Key, Node)>,
        pending_key: Option<Key>,
        /// The keys so far, for the duplicate check: a linear scan made
        /// 49,000 keys take 13 s.
        seen: std::collections::HashSet<String>,
    },
}

struct Builder<'o> {
    offsets: &'o Offsets,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    root: Option<Node>,
}

impl Builder<'_> {
    /// Handles one event; returns true when the first document is complete.
    fn event(&mut self, event: Event<'_>, start: Marker, end: Marker) -> Result<bool, SyntaxError> {
        let at = |m: &Marker| self.offsets.byte(m);
        let span = at(&start)..at(&end);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let explicit_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value = if style == ScalarStyle::Plain && !explicit_str {
                    resolve_plain(value)
                } else {
                    Value::Str(value.into_owned())
                };
                self.push(Node { value, span }, anchor)
            }
            Event::SequenceStart(anchor, _) => {
                self.stack.push(Frame::Seq {
                    anchor,
                    start: span.start,
                    items: Vec::new(),
                });
                Ok(false)
            }
            Event::MappingStart(anchor, _) => {
                self.stack.push(Frame::Map {
                    anchor,
                    start: span.start,
                    entries: Vec::new(),
                    pending_key: None,
                    seen: std::collections::HashSet::new(),
                });
                Ok(false)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let end = span.end.max(span.start);
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq {
                        anchor,
                        start,
                        items,
                    }) => (
                        Node {
                            value: Value::Seq(items),
                            span: start..end,
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        anchor,
                        start,
                        entries,
                        ..
                    }) => (
                        Node {
                            value: Value::Map(entries),
                            span: start..end,
                        },
                        anchor,
                    ),
                    None => return Ok(false),
                };
                self.push(node, anchor)
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some(node) => {
                    let node = Node {
                        value: node.value.clone(),
                        span,
                    };
                    self.nodes += count_nodes(&node.value);
                    self.push(node, 0)
                }
                None => Err(SyntaxError {
                    message: "this alias names no anchor".to_owned(),
                    offset: span.start,
                }),
            },
            // Read to the end of the stream: keys of a second document must
            // not be dropped without a word.
            Event::DocumentStart(_) if self.root.is_some() => Err(SyntaxError {
                message: "a second YAML document starts here (`---`); front matter is one mapping, and keys after this line would be lost".to_owned(),
                offset: span.start,
            }),
            Event::DocumentEnd => Ok(false),
            Event::StreamEnd => Ok(true),
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) => Ok(false),
        }
    }

    /// Places a finished node in its parent, or makes it the document's root.
    fn push(&mut self, node: Node, anchor: usize) -> Result<bool, SyntaxError> {
        self.nodes += 1;
        if self.nodes > NODE_BUDGET {
            return Err(SyntaxError {
                message: format!("more than {NODE_BUDGET} values (aliases expanding without end?)"),
                offset: node.span.start,
            });
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(false)
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(false)
            }
            Some(Frame::Map {
                entries,
                pending_key,
                seen,
                ..
            }) => match pending_key.take() {
                Some(key) => {
                    entries.push((key, node));
                    Ok(false)
                }
                None => {
                    let Some(name) = node.value.scalar_text() else {
                        return Err(SyntaxError {
                            message: format!("a key must be plain text, not {}", node.value.kind()),
                            offset: node.span.start,
                        });
                    };
                    if !seen.insert(name.clone()) {
                        return Err(SyntaxError {
                            message: format!("the key `{name}` appears twice"),
                            offset: node.span.start,
                        });
                    }
                    *pending_key = Some(Key {
                        name,
                        span: node.span,
                    });
                    Ok(false)
                }
            },
        }
    }
}

fn count_nodes(value: &Value) -> usize {
    match value {
        Value::Seq(items) => 1 + items.iter().map(|n| count_nodes(&n.value)).sum::<usize>(),
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|(_, n)| 1 + count_nodes(&n.value))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(text: Cow<'_, str>) -> Value {
    match text.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let t = text.as_ref();
    let int = if let Some(hex) = t.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(oct) = t.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()
    } else if t
        .bytes()
        .enumerate()
        .all(|(i, b)| b.is_ascii_digit() || (i == 0 && (b == b'-' || b == b'+')))
        && t.len() > usize::from(t.starts_with(['-', '+']))
    {
        t.parse().ok()
    } else {
        None
    };
    if let Some(i) = int {
        return Value::Int(i);
    }
    let looks_numeric = t.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.'))
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        && t.bytes().any(|b| b.is_ascii_digit());
    if looks_numeric && let Ok(f) = t.parse::<f64>() {
        return Value::Float(f);
    }
    match t {
        ".inf" | ".Inf" | ".INF" | "+.inf" => Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Value::Float(f64::NAN),
        _ => Value::Str(text.into_owned()),
    }
}

/// The front matter nearly every card has — one `key: value` per line, the
/// values plain words or a flow list of plain words — read without a YAML
/// parser, into exactly the tree [`parse_events`] builds (a test holds the
/// two to it). Anything else, down to a comment, a quote or a tab, returns
/// `None` and goes to the parser.
mod simple {
    use super::{Key, Node, Value, resolve_plain};
    use std::borrow::Cow;
    use std::ops::Range;

    fn key_ok(key: &str) -> bool {
        let mut chars = key.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    }

    /// A plain scalar of words: letters and digits of any script, spaces
    /// between words, and punctuation that means nothing to YAML here.
    fn plain_ok(value: &str, in_list: bool) -> bool {
        let Some(first) = value.chars().next() else {
            return false;
        };
        if !first.is_alphanumeric() || value.ends_with(' ') || (in_list && value.ends_with('-')) {
            return false;
        }
        // One pass: no two spaces in a row, and in a flow list no `-` next
        // to a space (it would start a token).
        let mut previous = first;
        value.chars().skip(1).all(|c| {
            let ok = (c.is_alphanumeric()
                || matches!(
                    c,
                    ' ' | '-' | '_' | '.' | '/' | '(' | ')' | '+' | '=' | ';' | '$' | '^' | '~'
                )
                || (!in_list && matches!(c, ',' | '\'' | '?')))
                && !(previous == ' ' && c == ' ')
                && !(in_list && matches!((previous, c), (' ', '-') | ('-', ' ')));
            previous = c;
            ok
        })
    }

    fn scalar(text: &str, start: usize) -> Node {
        Node {
            value: resolve_plain(Cow::Borrowed(text)),
            span: start..start + text.len(),
        }
    }

    pub(super) fn parse(text: &str, range: Range<usize>) -> Option<Node> {
        let yaml = text.get(range.clone())?;
        if yaml.bytes().any(|b| b == b'\r' || b == b'\t') || !yaml.ends_with('\n') {
            return None;
        }
        let mut entries: Vec<(Key, Node)> = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        let mut at = range.start;
        let mut first = None;
        for line in yaml.split_inclusive('\n') {
            let start = at;
            at += line.len();
            let line = line.strip_suffix('\n')?;
            if line.is_empty() {
                continue;
            }
            let (key, rest) = line.split_once(": ")?;
            if !key_ok(key) || !seen.insert(key) {
                return None;
            }
            let value_start = start + key.len() + 2;
            let value = if let Some(inner) = rest.strip_prefix('[') {
                let inner = inner.strip_suffix(']')?;
                let mut items = Vec::new();
                let mut item_at = value_start + 1;
                if !inner.is_empty() {
                    for (i, part) in inner.split(',').enumerate() {
                        let item = if i == 0 {
                            part
                        } else {
                            part.strip_prefix(' ')?
                        };
                        let lead = part.len() - item.len();
                        if !plain_ok(item, true) {
                            return None;
                        }
                        items.push(scalar(item, item_at + lead));
                        item_at += part.len() + 1;
                    }
                }
                Node {
                    value: Value::Seq(items),
                    span: value_start..value_start + rest.len(),
                }
            } else if plain_ok(rest, false) {
                scalar(rest, value_start)
            } else {
                return None;
            };
            first.get_or_insert(start);
            entries.push((
                Key {
                    name: key.to_owned(),
                    span: start..start + key.len(),
                },
                value,
            ));
        }
        let start = first?;
        Some(Node {
            value: Value::Map(entries),
            span: start..range.end,
        })
    }
}

/// `text` as a YAML double-quoted scalar that reads back as exactly `text`:
/// the one way vouch quotes a value it writes into front matter or a
/// bundle.
pub fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // A byte-order mark may not stand inside a document at all.
            c if c.is_control() || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `value` as a plain YAML scalar when that reads back as the same text
/// (on one line, as a string), else [`double_quoted`].
pub fn scalar_for(value: &str) -> String {
    let plain = !value.is_empty()
        && !value.starts_with(|c: char| "!&*@#%`|>'\"{[-?:,]} ".contains(c))
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with([' ', ':'])
        && !value.chars().any(|c| c.is_control() || c == '\u{feff}')
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "null" | "~" | "true" | "false" | "yes" | "no"
        )
        && value.parse::<f64>().is_err();
    if plain {
        value.to_owned()
    } else {
        double_quoted(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What vouch writes reads back as what it meant, through the same
    /// reader `check` uses: `vouch new card $'Two\nlines'` wrote a plain
    /// scalar across two lines that `check` then refused.
    #[test]
    fn written_scalars_read_back_as_written() {
        for value in [
            "Two\nlines",
            "tab\there",
            "bell\u{7}",
            "Refunds: annual plans",
            "#channel",
            "@maria",
            "yes",
            "1.5",
            "  padded ",
            "trailing:",
            "quote \" and \\ slash",
            "ação – עברית 🚀",
            "- dash",
            "",
            "\u{feff}bom",
            "cr\rlf",
        ] {
            for written in [scalar_for(value), double_quoted(value)] {
                let text = format!("title: {written}\n");
                let node = parse(&text, 0..text.len())
                    .unwrap_or_else(|e| panic!("{value:?} as {written}: {e:?}"));
                assert_eq!(
                    node.get("title")
                        .and_then(|v| v.value.scalar_text())
                        .as_deref(),
                    Some(value),
                    "{value:?} written as {written}"
                );
            }
        }
    }

    /// Lines built from the characters the simple reader weighs (and some it
    /// must refuse): wherever it answers, the parser agrees; and enough of
    /// them are simple that the comparison means something.
    #[test]
    fn the_simple_reader_never_disagrees() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestCaseError, TestRunner};
        let line = (
            "[a-z_][a-z0-9_-]{0,8}",
            prop_oneof![
                "[a-zA-Z0-9 éשׁ.,:?'#\\-_/()\\[\\]{}&*!|>%@`~+=;$^\"]{0,24}",
                "[a-zA-Z0-9éש][a-zA-Z0-9 éש.,?'()/+=;$^~_-]{0,20}",
                "\\[([a-z0-9é]{1,5}(, ?[a-z0-9 .-]{0,5}){0,3})?\\]",
                "(true|null|~|0x1f|0o17|1e3|-1|\\.inf|\\.nan|2026-01-05|12:30|1_000)",
            ],
        );
        let taken = std::cell::Cell::new(0usize);
        let mut runner = TestRunner::new(Config {
            cases: 2000,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&proptest::collection::vec(line, 1..6), |lines| {
            let body: String = lines.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
            let text = format!("---\n{body}---\n");
            let range = 4..4 + body.len();
            if let Some(fast) = simple::parse(&text, range.clone()) {
                taken.set(taken.get() + 1);
                let parsed = parse_events(&text, range);
                if parsed != Ok(fast) {
                    return Err(TestCaseError::fail(format!("{body:?}: {parsed:?}")));
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        assert!(
            taken.get() > 10,
            "only {} cases reached the simple reader",
            taken.get()
        );
    }

    /// The fast path's tree is the parser's, spans and all, wherever it
    /// answers; it declines the rest.
    #[test]
    fn the_simple_reader_agrees_with_the_parser() {
        let cases = [
            "title: How to handle case 9999 for customers\nowners: [team9]\nverified: 2026-08-18\nverified_by: person49\ntags: [tag39, tag2]\n",
            "title: Réfund política (legacy)\nowners: [ana, b-team]\n\nverify_every: 6 months\n",
            "title: 2026\nn: 1.5\nflag: true\nnothing: null\nhex: 0x1F\n",
            "title: What's new? A, B; C\ntags: []\n",
            "title: שלום עולם\nowners: [נועה]\n",
            "a: b\n",
        ];
        for case in cases {
            let text = format!("---\n{case}---\nbody\n");
            let range = 4..4 + case.len();
            let fast = simple::parse(&text, range.clone());
            assert!(fast.is_some(), "the simple reader takes {case:?}");
            assert_eq!(
                fast.unwrap(),
                parse_events(&text, range).unwrap(),
                "{case:?}"
            );
        }
        let declined = [
            "title: a # comment\n",
            "title: 'quoted'\n",
            "title: \"quoted\"\n",
            "title: a\n  continued\n",
            "owners:\n  - ana\n",
            "title: a: b\n",
            "title: trailing \n",
            "title: a\ntitle: b\n",
            "title:\ttab\n",
            "title: a\r\n",
            "título: Verificação\n",
            "tags: [a,b]\n",
            "tags: [a, [b]]\n",
            "tags: [a, 0 -]\n", // the parser refuses this one: found by the generator
            "title: -dash\n",
            "title: *alias\n",
            "",
            "title: a",
        ];
        for case in declined {
            let text = format!("---\n{case}---\n");
            assert_eq!(simple::parse(&text, 4..4 + case.len()), None, "{case:?}");
        }
    }

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
    fn non_ascii_text_keeps_byte_offsets() {
        let text = "título: Verificação\nnext: é\n";
        let Value::Map(entries) = parse_all(text).unwrap().value else {
            panic!("expected a map")
        };
        assert_eq!(&text[entries[0].0.span.clone()], "título");
        assert_eq!(&text[entries[0].1.span.clone()], "Verificação");
        assert_eq!(&text[entries[1].1.span.clone()], "é");
    }

    #[test]
    fn scalars_resolve_by_the_core_schema() {
        let node = parse_all(
            "a: yes\nb: '30'\nc: 1.5\nd: ~\ne: TRUE\nf: -7\ng: 2026-10-01\nh: !!str 12\n",
        )
        .unwrap();
        let Value::Map(entries) = node.value else {
            panic!("expected a map")
        };
        let values: Vec<_> = entries.into_iter().map(|(_, v)| v.value).collect();
        assert_eq!(
            values,
            [
                Value::Str("yes".into()),
                Value::Str("30".into()),
                Value::Float(1.5),
                Value::Null,
                Value::Bool(true),
                Value::Int(-7),
                Value::Str("2026-10-01".into()),
                Value::Str("12".into()),
            ]
        );
    }

    #[test]
    fn aliases_expand_within_a_budget() {
        let ok = parse_all("a: &x [1, 2]\nb: *x\n").unwrap();
        let Value::Map(entries) = ok.value else {
            panic!("expected a map")
        };
        assert_eq!(entries[0].1.value, entries[1].1.value);
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (prev, next) in ["a", "b", "c", "d", "e", "f", "g"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h"])
        {
            bomb.push_str(&format!("{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let err = parse_all(&bomb).unwrap_err();
        assert!(err.message.contains("aliases"), "{}", err.message);
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
        assert!(err.message.contains("twice"), "{}", err.message);
    }
}
