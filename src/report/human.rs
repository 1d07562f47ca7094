//! The human format: rustc-style excerpts rendered by annotate-snippets (the
//! renderer rustc itself uses), colored on a terminal.

use std::io::{self, Write};

use rayon::prelude::*;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use crate::diagnostic::{Diagnostic, Severity, Summary, display_path, terminal_safe};
use crate::report::{NO_REGISTRY_NOTE, Options};

pub fn write<'a>(
    out: &mut dyn Write,
    diagnostics: impl Iterator<Item = &'a Diagnostic>,
    summary: &Summary,
    opts: Options,
) -> io::Result<()> {
    write_each(out, diagnostics, opts.color)?;
    if opts.quiet {
        return Ok(());
    }
    if !summary.owners_registry && summary.cards > 0 {
        writeln!(out, "note: {NO_REGISTRY_NOTE}")?;
    }
    for note in &summary.notes {
        writeln!(out, "note: {note}")?;
    }
    writeln!(out, "{summary}")
}

/// Each diagnostic, rustc-style, followed by a blank line.
pub fn write_each<'a>(
    out: &mut dyn Write,
    diagnostics: impl Iterator<Item = &'a Diagnostic>,
    color: bool,
) -> io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // Excerpts are rendered in parallel, a bounded batch at a time, and
    // written in order.
    let diagnostics: Vec<&Diagnostic> = diagnostics.collect();
    for batch in diagnostics.chunks(RENDER_BATCH) {
        let rendered: Vec<String> = batch.par_iter().map(|d| render(&renderer, d)).collect();
        for text in rendered {
            writeln!(out, "{text}\n")?;
        }
    }
    Ok(())
}

/// How many excerpts are rendered at once: enough to share out, few enough
/// that a report of a million diagnostics still streams.
const RENDER_BATCH: usize = 1024;

fn render(renderer: &Renderer, d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path = display_path(&d.file);
    // Card text, titles and names reach the terminal only as text.
    let message = terminal_safe(&d.message);
    let source_line = d.source_line.as_deref().map(terminal_safe);
    let title = level.primary_title(message.as_ref()).id(d.code.as_str());
    let mut group = match source_line.as_deref() {
        Some(line) if d.excerpt == (1, false) => {
            let start = byte_of_column(line, d.column);
            let end = byte_of_column(line, d.end_column + 1).max(start);
            title.element(
                Snippet::source(line)
                    .line_start(d.line)
                    .path(path)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )
        }
        // Part of a very long line: the real position in the header, the
        // part around the mark below it, `…` where the line goes on.
        Some(part) => {
            let (first, more) = d.excerpt;
            let lead = if first > 1 { "…" } else { "" };
            let text = format!("{lead}{part}{}", if more { "…" } else { "" });
            let shift = usize::from(first > 1);
            let start = byte_of_column(&text, d.column + 1 - first + shift);
            let end = byte_of_column(&text, d.end_column + 2 - first + shift).max(start);
            title
                .element(Origin::path(path).line(d.line).char_column(d.column))
                .element(
                    Snippet::source(text.clone())
                        .line_start(d.line)
                        .annotation(AnnotationKind::Primary.span(start..end)),
                )
        }
        None => title.element(Origin::path(path).line(d.line).char_column(d.column)),
    };
    let help = d.help.as_deref().map(terminal_safe);
    if let Some(help) = help.as_deref() {
        group = group.element(Level::HELP.message(help));
    }
    let report: &[Group] = &[group];
    let rendered = renderer.render(report);
    if d.excerpt == (1, false) {
        return rendered;
    }
    // annotate-snippets marks a second snippet without a path with a bare
    // `:::` line; here it is the same file as the header's.
    rendered
        .lines()
        .filter(|l| strip_ansi(l).trim() != ":::")
        .collect::<Vec<_>>()
        .join("\n")
}

/// `line` without ANSI color sequences.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The byte offset of a 1-based character column in `line`.
fn byte_of_column(line: &str, column: usize) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i)
}
