//! The json format: one document on stdout, for scripts and editors.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Summary};
use crate::validate::Checked;

#[derive(Serialize)]
struct Document<'a> {
    diagnostics: &'a [Diagnostic],
    summary: &'a Summary,
}

pub fn write(out: &mut dyn Write, checked: &Checked) -> io::Result<()> {
    let doc = Document {
        diagnostics: &checked.diagnostics,
        summary: &checked.summary,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
