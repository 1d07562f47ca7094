//! Diagnostics are data: every rule returns them, a renderer chosen by `--format`
//! prints them. Nothing in the pipeline prints on its own.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::source::SourceText;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

macro_rules! codes {
    ($($variant:ident => $name:literal, $severity:ident;)*) => {
        /// A stable diagnostic code. The kebab-case names are a public contract:
        /// CI filters and editors match on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// The severity a code has unless policy says otherwise (see
            /// `verification.fail_on`, which decides for `stale` and `expiring`).
            pub fn default_severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }
        }
    };
}

codes! {
    FrontMatterSyntax => "front-matter-syntax", Error;
    MissingField => "missing-field", Error;
    UnknownField => "unknown-field", Warning;
    InvalidValue => "invalid-value", Error;
    InvalidDate => "invalid-date", Error;
    InvalidInterval => "invalid-interval", Error;
    IntervalTooLong => "interval-too-long", Error;
    UnknownOwner => "unknown-owner", Error;
    InactiveOwner => "inactive-owner", Error;
    VerifierNotOwner => "verifier-not-owner", Error;
    InvalidRegistry => "invalid-registry", Error;
    Stale => "stale", Error;
    Expiring => "expiring", Warning;
    UnknownTemplate => "unknown-template", Error;
    InvalidTemplate => "invalid-template", Error;
    SiteTemplate => "site-template", Error;
    MissingSection => "missing-section", Error;
    EmptySection => "empty-section", Error;
    GuidanceLeft => "guidance-left", Error;
    BrokenLink => "broken-link", Error;
    UnsafeAsset => "unsafe-asset", Error;
    BrokenAnchor => "broken-anchor", Error;
    UnpublishedLink => "unpublished-link", Error;
    HtmlTooDeep => "html-too-deep", Warning;
    HiddenCharacter => "hidden-character", Warning;
    CodeownersOutdated => "codeowners-outdated", Warning;
    DuplicateId => "duplicate-id", Error;
    NotUtf8 => "not-utf8", Error;
    UnreadableFile => "unreadable-file", Error;
    SkippedSymlink => "skipped-symlink", Warning;
    SkippedSite => "skipped-site", Warning;
    TooDeep => "too-deep", Error;
    UnverifiedChange => "unverified-change", Error;
    ChangedAfterVerification => "changed-after-verification", Warning;
    BundleSyntax => "bundle-syntax", Error;
    MissingBody => "missing-body", Error;
    MissingItem => "missing-item", Error;
    UnsafePath => "unsafe-path", Error;
    UnlistedItem => "unlisted-item", Warning;
    UnsupportedErb => "unsupported-erb", Warning;
    RedcarpetSyntax => "redcarpet-syntax", Warning;
    SkippedFile => "skipped-file", Warning;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem in one file.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// The path as the user should see it: relative to the working folder.
    #[serde(serialize_with = "serialize_path")]
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The last column of the marked text (inclusive), for carets and annotations.
    pub end_column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The marked source line, for renderers that show an excerpt; of a
    /// very long line, only the part around the mark.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// The column of the line at which `source_line` starts (1 when it is
    /// the whole line), and whether the line goes on past it.
    #[serde(skip)]
    pub excerpt: (usize, bool),
}

/// Lines longer than this many bytes are excerpted around the mark: a card
/// with 20,000 links on one line must not copy (and print) that line 20,000
/// times.
const LONG_LINE: usize = 400;

/// The part of `line` around the mark from byte `at` to byte `end` (the
/// mark's first character is at `column`): 60 characters either side, as
/// (text, column it starts at, whether the line goes on after it). Walks
/// only those characters, so many marks on one long line stay linear.
fn excerpt(line: &str, at: usize, end: usize, column: usize) -> (String, usize, bool) {
    if line.len() <= LONG_LINE {
        return (line.to_owned(), 1, false);
    }
    let back_one = |mut i: usize| {
        i -= 1;
        while !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let on_one = |mut i: usize| {
        i += 1;
        while i < line.len() && !line.is_char_boundary(i) {
            i += 1;
        }
        i
    };
    let mut from = at.min(line.len());
    while !line.is_char_boundary(from) {
        from -= 1;
    }
    let mut back = 0;
    while back < 60 && from > 0 {
        from = back_one(from);
        back += 1;
    }
    // The mark's last character (an empty mark marks the one at `at`),
    // then 60 more.
    let mut to = end.clamp(at, line.len());
    while !line.is_char_boundary(to) {
        to += 1;
    }
    if to <= at && to < line.len() {
        to = on_one(to);
    }
    for _ in 0..60 {
        if to >= line.len() {
            break;
        }
        to = on_one(to);
    }
    (line[from..to].to_owned(), column - back, to < line.len())
}

fn serialize_path<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&display_path(path))
}

/// A path with forward slashes on every platform, as CI annotations expect.
pub fn display_path(path: &Path) -> String {
    // On Windows `\` separates folders; elsewhere it is a letter of a name.
    let text = path.to_string_lossy();
    let text = if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    };
    terminal_safe(&text).into_owned()
}

/// `text` as a terminal or a CI log may show it: control characters (an
/// escape sequence could clear the screen, or write the clipboard through
/// OSC 52) become their visible pictures (`␛`), and bidi embedding,
/// override and isolate controls (which reorder the rest of the line) and
/// C1 controls become `�`. One character for one, so columns stay true.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| (c.is_control() && c != '\t' && c != '\n') || is_bidi_control(c);
    let plain_ascii = text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\t' || b == b'\n');
    if plain_ascii || !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            '\t' | '\n' => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            c if unsafe_char(c) => '\u{fffd}',
            c => c,
        })
        .collect::<String>()
        .into()
}

/// The characters that change the direction of the text after them until
/// they are closed (embeddings, overrides, isolates, and their closers).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Invisible characters that can reorder or hide the text around them: the
/// direction controls above, and the zero-width space, word joiner and a
/// stray byte-order mark. (Zero-width joiners and non-joiners, and the
/// left-to-right and right-to-left marks, are how some scripts are written,
/// and are not among them.)
pub fn is_hidden_control(c: char) -> bool {
    is_bidi_control(c) || matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}')
}

impl Diagnostic {
    /// A diagnostic on a whole file, with no excerpt.
    pub fn file(code: Code, file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            file: file.into(),
            line: 1,
            column: 1,
            end_column: 1,
            message: message.into(),
            help: None,
            source_line: None,
            excerpt: (1, false),
        }
    }

    /// A diagnostic marking a byte range of a file's text.
    pub fn at(
        code: Code,
        file: impl Into<PathBuf>,
        source: &SourceText,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let start = source.position(span.start);
        let line_range = source.line_range(start.line);
        // A span running past its first line is marked to the end of that line.
        let end = span.end.clamp(span.start, line_range.end.max(span.start));
        let end_column = if end > span.start {
            start.column - 1 + source.chars_between(span.start, end)
        } else {
            start.column
        };
        let (text, first, more) = excerpt(
            source.line_text(start.line),
            span.start - line_range.start,
            end - line_range.start,
            start.column,
        );
        Diagnostic {
            code,
            severity: code.default_severity(),
            file: file.into(),
            line: start.line,
            column: start.column,
            end_column: end_column.max(start.column),
            message: message.into(),
            help: None,
            source_line: Some(text),
            excerpt: (first, more),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The order diagnostics are printed in: by file, then position, then code.
    pub fn sort_key(&self) -> (&Path, usize, usize, Code) {
        (&self.file, self.line, self.column, self.code)
    }
}

/// Counts for the one-line summary.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub cards: usize,
    pub errors: usize,
    pub warnings: usize,
    pub fresh: usize,
    pub expiring: usize,
    pub stale: usize,
    pub owners_registry: bool,
    /// Things the reader should know once, such as a shallow clone.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}, {}, {} stale, {} expiring",
            plural(self.cards, "card"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            self.stale,
            self.expiring
        )
    }
}

pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The excerpt as the character walk made it before: the columns
    /// `from..=to` and 60 either side.
    fn by_characters(line: &str, from: usize, to: usize) -> (String, usize, bool) {
        let first = from.saturating_sub(60).max(1);
        let last = to.max(from) + 60;
        let text: String = line
            .chars()
            .skip(first - 1)
            .take(last + 1 - first)
            .collect();
        (text, first, line.chars().nth(last).is_some())
    }

    #[test]
    fn excerpts_of_long_lines_match_the_character_walk() {
        let line: String = (0..300)
            .map(|i| ["ab ", "ção ", "שלום ", "🙂 "][i % 4])
            .collect();
        let source = SourceText::new(format!("---\n{line}\n"));
        let starts: Vec<usize> = (0..=line.len())
            .filter(|&i| line.is_char_boundary(i))
            .collect();
        for (k, &at) in starts.iter().enumerate().step_by(7) {
            for len in [0, 1, 5, 70] {
                let end = starts.get(k + len).copied().unwrap_or(line.len());
                let d = Diagnostic::at(Code::BrokenLink, "x.md", &source, 4 + at..4 + end, "m");
                let (text, first, more) = by_characters(&line, d.column, d.end_column);
                assert_eq!(
                    (d.source_line.as_deref(), d.excerpt),
                    (Some(text.as_str()), (first, more)),
                    "mark {at}..{end}"
                );
            }
        }
    }
}
