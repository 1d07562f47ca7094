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
    /// How many characters come before each [`CHECKPOINT`]-byte block of
    /// the text: made only when a position falls far into a long line, so
    /// that 160,000 diagnostics on one 3 MB line count no more than a block
    /// each instead of the line up to them.
    char_checkpoints: OnceLock<Box<[usize]>>,
}

/// Bytes between character-count checkpoints.
const CHECKPOINT: usize = 1024;

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
            char_checkpoints: OnceLock::new(),
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
        Position {
            line: line_index + 1,
            column: self.chars_between(start, offset) + 1,
        }
    }

    /// How many characters the text has in `from..to` (byte offsets on
    /// character boundaries): counted directly over a short stretch, from
    /// checkpoints over a long one, so it never walks more than a couple of
    /// blocks.
    pub fn chars_between(&self, from: usize, to: usize) -> usize {
        let bytes = self.as_str().as_bytes();
        let (from, to) = (from.min(bytes.len()), to.min(bytes.len()));
        if to <= from {
            return 0;
        }
        if to - from <= 2 * CHECKPOINT {
            return char_starts(&bytes[from..to]);
        }
        self.chars_before(to) - self.chars_before(from)
    }

    /// The characters before byte `at`, from the nearest checkpoint.
    fn chars_before(&self, at: usize) -> usize {
        let bytes = self.as_str().as_bytes();
        let checkpoints = self.0.char_checkpoints.get_or_init(|| {
            let mut seen = 0;
            let mut out = Vec::with_capacity(bytes.len() / CHECKPOINT + 1);
            for block in bytes.chunks(CHECKPOINT) {
                out.push(seen);
                seen += char_starts(block);
            }
            out.push(seen); // the end, for an offset on the last boundary
            out.into_boxed_slice()
        });
        let block = at / CHECKPOINT;
        checkpoints[block] + char_starts(&bytes[block * CHECKPOINT..at])
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

/// How many characters start in `bytes`: every byte but UTF-8's
/// continuation bytes (`0x80..=0xBF`) starts one.
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
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

    #[test]
    fn checkpoints_count_as_the_characters_do() {
        // Multibyte characters across many checkpoint blocks, on one line.
        let text: String = (0..5000)
            .map(|i| ["a", "é", "ção", "שלום", "🙂"][i % 5])
            .collect();
        let src = SourceText::new(text.clone());
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &from in boundaries.iter().step_by(97) {
            for &to in boundaries.iter().step_by(389).filter(|&&t| t >= from) {
                assert_eq!(
                    src.chars_between(from, to),
                    text[from..to].chars().count(),
                    "{from}..{to}"
                );
            }
        }
        assert_eq!(src.position(text.len()).column, text.chars().count() + 1);
    }
}
