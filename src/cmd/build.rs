//! `vouch build [ROOT] [-o DIR]`: check, then write the site.

use std::path::PathBuf;

use jiff::civil::Date;

use crate::cmd::{exit, open};
use crate::render::{self, BuildError};
use crate::report::{self, Options as ReportOptions};
use crate::validate;
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
    crate::timing::start();
    let root = match open(opts.root.as_deref(), opts.history) {
        Ok(root) => root,
        Err(status) => return Ok(status),
    };
    crate::timing::mark("load");
    let model = root.model(opts.today);
    crate::timing::mark("model");
    let checked = validate::check(&model, &root.history);
    crate::timing::mark("check");
    report::print(&checked, opts.report)?;
    crate::timing::mark("report");
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| render::default_output(&root.ws.root));
    let started = std::time::Instant::now();
    let built = render::build(&model, &out);
    let errors = checked.has_errors();
    super::leave_to_exit((model, checked));
    super::leave_to_exit(root);
    match built {
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
            Ok(if errors { exit::FAILED } else { exit::OK })
        }
        Err(BuildError::Write(
            e @ (WriteError::NotOurs(_) | WriteError::Symlink(_) | WriteError::HoldsRoot(_)),
        )) => {
            eprintln!("error: {e}");
            Ok(exit::USAGE)
        }
        Err(e) => {
            eprintln!("error: {e}\nThe previous site, if any, is unchanged.");
            Ok(exit::FAILED)
        }
    }
}
