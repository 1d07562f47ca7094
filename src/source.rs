//! Source text with a line index, so any byte offset becomes a 1-based line and
//! column. Every diagnostic position goes through here; nothing else counts lines.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// A file's text, shared cheaply between the card model and its diagnostics.
/// The text is kept as it was read (no copy); the line index is made the
/// first time a position is asked for, so a card without diagnostics never
/// pays for it.
#[derive(Debug, Clone)]
pub struct SourceText(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    text: String,
    line_starts: OnceLock<Box<[usize]>>,
}

/// A 1-based line and column (columns count characters, as editors do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceText {
    pub fn new(text: impl Into<String>) -> Self {
        SourceText(Arc::new(Shared {
            text: text.into(),
            line_starts: OnceLock::new(),
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0.text
    }

    /// Where each line starts, made once.
    fn line_starts(&self) -> &[usize] {
        self.0.line_starts.get_or_init(|| {
            let text = self.as_str();
            // About one line per 32 bytes of Markdown: one allocation for most files.
            let mut starts = Vec::with_capacity(text.len() / 32 + 2);
            starts.push(0);
            starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
            starts.into_boxed_slice()
        })
    }

    /// The position of a byte offset; offsets past the end clamp to the end.
    pub fn position(&self, offset: usize) -> Position {
        let text = self.as_str();
        let starts = self.line_starts();
        let offset = offset.min(text.len());
        let line_index = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = starts[line_index];
        let prefix = text.get(start..offset).unwrap_or("");
        Position {
            line: line_index + 1,
            column: prefix.chars().count() + 1,
        }
    }

    /// The text of a 1-based line without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let text = self.as_str();
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = starts.get(line).map_or(text.len(), |next| next - 1);
        let raw = text.get(start..end).unwrap_or("");
        raw.strip_suffix('\r').unwrap_or(raw)
    }

    /// The byte range of a 1-based line without its line ending.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let start = self
            .line_starts()
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.as_str().len());
        start..start + self.line_text(line).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_skip_crlf() {
        let src = SourceText::new("a: é\r\nbé: x\n");
        assert_eq!(src.position(0), Position { line: 1, column: 1 });
        assert_eq!(src.position(7), Position { line: 2, column: 1 });
        assert_eq!(src.position(10), Position { line: 2, column: 3 });
        assert_eq!(src.line_text(1), "a: é");
        assert_eq!(src.line_text(2), "bé: x");
        assert_eq!(src.line_text(3), "");
    }
}
