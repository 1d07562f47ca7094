//! `vouch build [ROOT] [-o DIR]`: check, then write the site.

use std::io::Write;
use std::path::PathBuf;

use jiff::civil::Date;

use crate::cmd::exit;
use crate::render::{self, BuildError};
use crate::report::{self, Options as ReportOptions};
use crate::write::WriteError;
use crate::{load, validate};

#[derive(Debug, Clone)]
pub struct Options {
    pub root: Option<PathBuf>,
    /// Default: `site/` beside the root.
    pub out: Option<PathBuf>,
    pub today: Date,
    pub report: ReportOptions,
}

pub fn run(opts: &Options) -> anyhow::Result<i32> {
    let root = match load::find_root(opts.root.as_deref()) {
        Ok(root) => root,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(exit::USAGE);
        }
    };
    let workspace = match load::load(&root) {
        Ok(ws) => ws,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(exit::USAGE);
        }
    };
    let checked = validate::validate(&workspace, opts.today);
    {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        report::write(&mut out, &checked, opts.report)?;
        out.flush()?;
    }
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
