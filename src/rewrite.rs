//! A text rewritten in places, that still knows where each of its bytes
//! came from: a card body read in tech-docs-gem's dialect (ERB run,
//! Redcarpet's forms made CommonMark) is checked and rendered as rewritten,
//! while every diagnostic points at the line the author wrote.

use std::ops::Range;

/// One stretch of the rewritten text: copied from the source, or written
/// in place of a source range.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    /// Where it starts in the rewritten text.
    out: usize,
    /// The source bytes it came from (a copy) or replaces (a rewrite).
    src: Range<usize>,
    copied: bool,
}

/// Rewritten text and the way back to the source, through every stage
/// that rewrote it (the last stage first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rewritten {
    pub text: String,
    stages: Vec<Vec<Segment>>,
}

impl Rewritten {
    /// The source range a range of the rewritten text came from. A range
    /// inside written text maps to the whole source range it replaced.
    pub fn source_span(&self, span: Range<usize>) -> Range<usize> {
        let mut span = span;
        for stage in self.stages.iter().rev() {
            span = map(stage, span);
        }
        span
    }

    /// Rewrites this text again, keeping the way back to the first source.
    pub fn then(mut self, next: Rewritten) -> Rewritten {
        self.text = next.text;
        self.stages.extend(next.stages);
        self
    }

    /// Whether any stage changed anything.
    pub fn is_identity(&self) -> bool {
        self.stages.iter().all(|s| s.iter().all(|seg| seg.copied))
    }
}

fn map(stage: &[Segment], span: Range<usize>) -> Range<usize> {
    let find = |at: usize| {
        let i = stage.partition_point(|s| s.out <= at);
        &stage[i.saturating_sub(1)]
    };
    let Some(last) = stage.last() else {
        return span;
    };
    let start = {
        let s = find(span.start);
        if s.copied {
            (s.src.start + (span.start - s.out)).min(s.src.end)
        } else {
            s.src.start
        }
    };
    let end = if span.end <= span.start {
        start
    } else {
        let s = find(span.end - 1);
        if s.copied {
            (s.src.start + (span.end - s.out)).min(s.src.end)
        } else {
            s.src.end
        }
    };
    let end = end.max(start);
    (start.min(last.src.end.max(start)))..end
}

/// Builds a [`Rewritten`] from `source[range]`: copy what is not replaced,
/// write replacements in order.
pub struct Builder<'s> {
    source: &'s str,
    at: usize,
    end: usize,
    out: String,
    segments: Vec<Segment>,
}

impl<'s> Builder<'s> {
    /// Rewrites `source[range]`; offsets given to [`Builder::replace`] are
    /// offsets into `source`.
    pub fn new(source: &'s str, range: Range<usize>) -> Self {
        Builder {
            source,
            at: range.start,
            end: range.end,
            out: String::with_capacity(range.len() + 64),
            segments: Vec::new(),
        }
    }

    /// Writes `with` in place of `source[range]` (ranges in increasing,
    /// non-overlapping order; a range already passed is ignored).
    pub fn replace(&mut self, range: Range<usize>, with: &str) {
        if range.start < self.at || range.end > self.end {
            return;
        }
        self.copy_to(range.start);
        self.segments.push(Segment {
            out: self.out.len(),
            src: range.clone(),
            copied: false,
        });
        self.out.push_str(with);
        self.at = range.end;
    }

    fn copy_to(&mut self, to: usize) {
        if to > self.at {
            self.segments.push(Segment {
                out: self.out.len(),
                src: self.at..to,
                copied: true,
            });
            self.out.push_str(&self.source[self.at..to]);
            self.at = to;
        }
    }

    pub fn finish(mut self) -> Rewritten {
        self.copy_to(self.end);
        if self.segments.is_empty() {
            self.segments.push(Segment {
                out: 0,
                src: self.end..self.end,
                copied: true,
            });
        }
        Rewritten {
            text: self.out,
            stages: vec![self.segments],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_lead_back_through_every_stage() {
        let source = "head\n##A <%= t %> end\n";
        let body = 5..source.len();
        let mut b = Builder::new(source, body.clone());
        b.replace(9..17, "Title");
        let first = b.finish();
        assert_eq!(first.text, "##A Title end\n");
        // A copied byte maps to itself; written text to what it replaced.
        assert_eq!(first.source_span(0..3), 5..8);
        assert_eq!(first.source_span(4..9), 9..17);
        assert_eq!(first.source_span(10..13), 18..21);

        let mut b = Builder::new(&first.text, 0..first.text.len());
        b.replace(2..2, " ");
        let second = first.clone().then(b.finish());
        assert_eq!(second.text, "## A Title end\n");
        assert_eq!(second.source_span(3..4), 7..8);
        assert_eq!(second.source_span(5..10), 9..17);
        assert_eq!(second.source_span(0..15), 5..source.len());
        assert!(!second.is_identity());
    }
}
