//! `vouch check [ROOT]`: validate everything and print diagnostics.

use std::path::PathBuf;

use jiff::civil::Date;

use crate::cmd::{exit, open_and_check};
use crate::report::{self, Options as ReportOptions};
use crate::validate;

#[derive(Debug, Clone)]
pub struct Options {
    pub root: Option<PathBuf>,
    pub today: Date,
    /// Require cards changed since the merge base with this revision to be
    /// re-verified in the same change.
    pub changed_since: Option<String>,
    /// Read git history (off with `--no-history`).
    pub history: bool,
    pub report: ReportOptions,
}

pub fn run(opts: &Options) -> anyhow::Result<i32> {
    let (workspace, mut checked, _) =
        match open_and_check(opts.root.as_deref(), opts.today, opts.history) {
            Ok(checked) => checked,
            Err(status) => return Ok(status),
        };
    if let Some(reference) = &opts.changed_since {
        match validate::changes::check(&workspace, reference) {
            Ok(found) => checked.extend(found),
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(exit::USAGE);
            }
        }
    }
    report::print(&checked, opts.report)?;
    Ok(if checked.has_errors() {
        exit::FAILED
    } else {
        exit::OK
    })
}
