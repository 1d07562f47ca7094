//! `vouch report [ROOT] [--format markdown|json|slack]`: stale and expiring
//! cards grouped by owner, with each owner's contacts, for a scheduled CI job
//! that opens an issue or posts a message per owner. Always exits 0.

use std::path::PathBuf;

use jiff::civil::Date;

use crate::cmd::{exit, open};
pub use crate::report::due::ReportFormat;

#[derive(Debug, Clone)]
pub struct Options {
    pub root: Option<PathBuf>,
    pub format: ReportFormat,
    pub today: Date,
}

pub fn run(opts: &Options) -> anyhow::Result<i32> {
    // No history: only the repository's path, for links to the files.
    let root = match open(opts.root.as_deref(), false) {
        Ok(root) => root,
        Err(status) => return Ok(status),
    };
    let model = root.model(opts.today);
    let report = crate::report::due::due(&model);
    print!(
        "{}",
        crate::report::due::render(&report, opts.format, &model)
    );
    Ok(exit::OK)
}
