//! Renderers: one per `--format`. Each takes the finished diagnostics and summary
//! and writes text; none of them decides anything about the exit status.

pub mod codeowners;
pub mod due;
mod escape;
mod github;
mod human;
mod json;

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::validate::Checked;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style excerpts with a caret, and a summary line.
    Human,
    /// GitHub Actions workflow commands, shown as annotations on the diff.
    Github,
    /// `{"diagnostics": [...], "summary": {...}}` and nothing else on stdout.
    Json,
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub format: Format,
    pub color: bool,
    /// Errors only: no warnings, notes or summary (human and github).
    pub quiet: bool,
}

/// Writes the report of a check to `out`.
pub fn write(out: &mut dyn Write, checked: &Checked, opts: Options) -> io::Result<()> {
    let shown = checked
        .diagnostics
        .iter()
        .filter(|d| !opts.quiet || d.severity == Severity::Error);
    match opts.format {
        Format::Human => human::write(out, shown, &checked.summary, opts),
        Format::Github => github::write(out, shown, &checked.summary, opts),
        Format::Json => json::write(out, checked),
    }
}

/// Writes diagnostics that are not a check's (an import's, say) in the
/// human format, without a summary.
pub fn write_human(
    out: &mut dyn Write,
    diagnostics: &[crate::diagnostic::Diagnostic],
    color: bool,
) -> io::Result<()> {
    human::write_each(out, diagnostics.iter(), color)
}

/// Writes the report to stdout, buffered.
pub fn print(checked: &Checked, opts: Options) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    write(&mut out, checked, opts)?;
    out.flush()
}

/// The note printed once when a root has no owners registry.
pub const NO_REGISTRY_NOTE: &str = "no owners.yaml: owners are free-form names, checked only for presence; add owners.yaml to check them (see `vouch init`)";
