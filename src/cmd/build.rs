//! `vouch build [ROOT] [-o DIR]`: check, then write the site.

use std::path::PathBuf;

use jiff::civil::Date;

use crate::cmd::{exit, open_and_check};
use crate::render::{self, BuildError};
use crate::report::{self, Options as ReportOptions};
use crate::write::WriteError;

#[derive(Debug, Clone)]
pub struct Options {
    pub root: Option<PathBuf>,
    /// Default: `site/` beside the root.
    pub out: Option<PathBuf>,
    pub today: Date,
    /// Read git history (off with `--no-history`).
    pub history: bool,
    pub report: ReportOptions,
}

pub fn run(opts: &Options) -> anyhow::Result<i32> {
    let (workspace, checked, _) =
        match open_and_check(opts.root.as_deref(), opts.today, opts.history) {
            Ok(checked) => checked,
            Err(status) => return Ok(status),
        };
    report::print(&checked, opts.report)?;
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| render::default_output(&workspace.root));
    let started = std::time::Instant::now();
    match render::build(&workspace, &checked, opts.today, &out) {
        Ok(built) => {
            if !opts.report.quiet {
                eprintln!(
                    "built {}: {} pages, {} files, {} KB in {} ms",
                    out.display(),
                    built.pages,
                    built.files,
                    built.bytes / 1024,
                    started.elapsed().as_millis()
                );
            }
            Ok(if checked.has_errors() {
                exit::FAILED
            } else {
                exit::OK
            })
        }
        Err(BuildError::Write(e @ WriteError::NotOurs(_))) => {
            eprintln!("error: {e}");
            Ok(exit::USAGE)
        }
        Err(e) => {
            eprintln!("error: {e}\nThe previous site, if any, is unchanged.");
            Ok(exit::FAILED)
        }
    }
}
