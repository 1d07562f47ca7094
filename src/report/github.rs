//! The github format: one workflow command per diagnostic, which GitHub shows as
//! an annotation on the pull request's diff, then the summary line.

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Severity, Summary, display_path, terminal_safe};
use crate::report::{NO_REGISTRY_NOTE, Options};

pub fn write<'a>(
    out: &mut dyn Write,
    diagnostics: impl Iterator<Item = &'a Diagnostic>,
    summary: &Summary,
    opts: Options,
) -> io::Result<()> {
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = terminal_safe(&d.message).into_owned();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&terminal_safe(help));
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endColumn={},title={}::{}",
            escape_property(&display_path(&d.file)),
            d.line,
            d.column,
            d.end_column,
            escape_property(d.code.as_str()),
            escape_data(&message)
        )?;
    }
    if opts.quiet {
        return Ok(());
    }
    if !summary.owners_registry && summary.cards > 0 {
        writeln!(
            out,
            "::notice title=no-owners-registry::{}",
            escape_data(NO_REGISTRY_NOTE)
        )?;
    }
    for note in &summary.notes {
        writeln!(out, "::notice::{}", escape_data(note))?;
    }
    writeln!(out, "{summary}")
}

/// Escaping of a workflow command's message, as the Actions toolkit does it.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a workflow command's property values.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_toolkit() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
