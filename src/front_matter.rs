//! Splits a card into its YAML front matter and Markdown body, keeping byte
//! offsets into the original file so every diagnostic points at the real line.
//!
//! Hand-written on purpose: gray_matter drops offsets, misses front matter after a
//! byte-order mark and rewrites CRLF line endings, and all three matter here.

use std::ops::Range;

/// Where the parts of a card's text are, as byte ranges into the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The YAML between the delimiters; `None` when the file has no front matter.
    pub yaml: Option<Range<usize>>,
    /// The Markdown after the closing delimiter (or the whole text).
    pub body: Range<usize>,
    /// The opening `---` line, for diagnostics about the block as a whole.
    pub opener: Option<Range<usize>>,
    /// True when a block was opened and never closed.
    pub unclosed: bool,
}

const BOM: &str = "\u{feff}";

/// Splits `text`. Front matter must start on the first line (after an optional
/// byte-order mark) with `---` and end with a line holding `---` or `...`.
pub fn split(text: &str) -> Split {
    let start = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let mut lines = Lines::new(text, start);
    let Some(first) = lines.next() else {
        return no_front_matter(text, start);
    };
    if !is_delimiter(&text[first.content.clone()], false) {
        return no_front_matter(text, start);
    }
    let yaml_start = first.next;
    for line in lines {
        if is_delimiter(&text[line.content.clone()], true) {
            return Split {
                yaml: Some(yaml_start..line.content.start),
                body: line.next..text.len(),
                opener: Some(first.content),
                unclosed: false,
            };
        }
    }
    Split {
        yaml: Some(yaml_start..text.len()),
        body: text.len()..text.len(),
        opener: Some(first.content),
        unclosed: true,
    }
}

fn no_front_matter(text: &str, start: usize) -> Split {
    Split {
        yaml: None,
        body: start..text.len(),
        opener: None,
        unclosed: false,
    }
}

fn is_delimiter(line: &str, closing: bool) -> bool {
    let line = line.trim_end();
    line == "---" || (closing && line == "...")
}

struct Line {
    /// The line without its ending.
    content: Range<usize>,
    /// Where the next line starts.
    next: usize,
}

struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, pos: usize) -> Self {
        Lines { text, pos }
    }
}

impl Iterator for Lines<'_> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.pos..];
        let (len, ending) = match rest.find('\n') {
            Some(i) if rest[..i].ends_with('\r') => (i - 1, 2),
            Some(i) => (i, 1),
            None => (rest.len(), 0),
        };
        let line = Line {
            content: self.pos..self.pos + len,
            next: self.pos + len + ending,
        };
        self.pos = line.next;
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> (Option<&str>, &str, bool) {
        let s = split(text);
        (s.yaml.map(|r| &text[r]), &text[s.body], s.unclosed)
    }

    #[test]
    fn plain_front_matter() {
        assert_eq!(
            parts("---\ntitle: A\n---\nbody\n"),
            (Some("title: A\n"), "body\n", false)
        );
    }

    #[test]
    fn crlf_bom_and_dots_closer() {
        assert_eq!(
            parts("\u{feff}---\r\ntitle: A\r\n...\r\nbody\r\n"),
            (Some("title: A\r\n"), "body\r\n", false)
        );
    }

    #[test]
    fn empty_block_and_closer_at_end_of_file() {
        assert_eq!(parts("---\n---"), (Some(""), "", false));
    }

    #[test]
    fn no_front_matter_keeps_the_whole_body() {
        assert_eq!(parts("# Title\n---\n"), (None, "# Title\n---\n", false));
        assert_eq!(parts(""), (None, "", false));
        assert_eq!(parts("\u{feff}text"), (None, "text", false));
    }

    #[test]
    fn unclosed_block_is_flagged() {
        assert_eq!(parts("---\ntitle: A\n"), (Some("title: A\n"), "", true));
    }

    #[test]
    fn dots_do_not_open_a_block() {
        assert_eq!(parts("...\na\n").0, None);
    }
}
