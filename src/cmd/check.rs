//! `vouch check [ROOT]`: validate everything and print diagnostics.

use std::path::PathBuf;

use jiff::civil::Date;

use crate::cmd::{exit, open};
use crate::report::{self, Options as ReportOptions};
use crate::validate;

#[derive(Debug, Clone)]
pub struct Options {
    pub root: Option<PathBuf>,
    /// Check only these cards (their root is the nearest `vouch.yaml` above
    /// the first); every rule still sees the whole root.
    pub files: Vec<PathBuf>,
    pub today: Date,
    /// Require cards changed since the merge base with this revision to be
    /// re-verified in the same change.
    pub changed_since: Option<String>,
    /// Read git history (off with `--no-history`).
    pub history: bool,
    pub report: ReportOptions,
}

pub fn run(opts: &Options) -> anyhow::Result<i32> {
    let given = opts.root.clone().or_else(|| {
        opts.files
            .first()
            .and_then(|f| crate::load::root_of_file(f))
    });
    crate::timing::start();
    let root = match open(given.as_deref(), opts.history) {
        Ok(root) => root,
        Err(status) => return Ok(status),
    };
    crate::timing::mark("load");
    let model = root.model(opts.today);
    crate::timing::mark("model");
    let mut checked = validate::check(&model, &root.history);
    crate::timing::mark("check");
    if let Some(top) = &root.repo_top
        && let Some(d) = crate::report::codeowners::outdated(&model, top)
    {
        checked.extend(vec![d]);
    }
    // The theme the build would load: a template or words table it would
    // stop on is an error here first.
    if let Some(d) = crate::render::pages::theme_problem(&root.ws) {
        checked.extend(vec![d]);
    }
    if let Some(reference) = &opts.changed_since {
        match validate::changes::check(&model, reference) {
            Ok(found) => {
                if root.ws.config.verification.gate == crate::model::config::Gate::Changed {
                    checked.gate_to(&found.cards);
                }
                checked.extend(found.diagnostics);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(exit::USAGE);
            }
        }
    }
    if !opts.files.is_empty() {
        match checked.only(&model, &opts.files) {
            Ok(()) => {}
            Err(path) => {
                eprintln!(
                    "error: `{}` is not a card of the knowledge root `{}`",
                    path.display(),
                    root.ws.root.display()
                );
                return Ok(exit::USAGE);
            }
        }
    }
    report::print(&checked, opts.report)?;
    crate::timing::mark("report");
    let status = if checked.has_errors() {
        exit::FAILED
    } else {
        exit::OK
    };
    super::leave_to_exit((model, checked));
    super::leave_to_exit(root);
    Ok(status)
}
