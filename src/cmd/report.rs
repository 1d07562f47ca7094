//! `vouch report [ROOT] [--format markdown|json|slack]`: stale and expiring
//! cards grouped by owner, with each owner's contacts, for a scheduled CI job
//! that opens an issue or posts a message per owner. Always exits 0.

use std::path::PathBuf;

use jiff::civil::Date;

use crate::cmd::{exit, open_root};
pub use crate::report::due::ReportFormat;
use crate::resolve::{GitFacts, Model};

#[derive(Debug, Clone)]
pub struct Options {
    pub root: Option<PathBuf>,
    pub format: ReportFormat,
    pub today: Date,
}

pub fn run(opts: &Options) -> anyhow::Result<i32> {
    let ws = match open_root(opts.root.as_deref()) {
        Ok(ws) => ws,
        Err(status) => return Ok(status),
    };
    let model = Model::new(&ws, opts.today, GitFacts::default());
    let report = crate::report::due::due(&model);
    print!("{}", crate::report::due::render(&report, opts.format));
    Ok(exit::OK)
}
