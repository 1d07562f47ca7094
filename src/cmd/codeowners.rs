//! `vouch codeowners [ROOT] [--check]`: write `.github/CODEOWNERS` from
//! `owners.yaml`, or say whether the written one is out of date.

use std::path::PathBuf;

use crate::cmd::{exit, open};
use crate::report::codeowners::codeowners;

#[derive(Debug, Clone)]
pub struct Options {
    pub root: Option<PathBuf>,
    /// Only compare: exit 1 when the file is missing or out of date.
    pub check: bool,
}

pub fn run(opts: &Options) -> anyhow::Result<i32> {
    let root = match open(opts.root.as_deref(), false) {
        Ok(root) => root,
        Err(status) => return Ok(status),
    };
    let Some(top) = crate::git::Repo::discover(&root.ws.root)
        .ok()
        .map(|r| r.top)
    else {
        eprintln!(
            "error: `{}` is not in a git repository; CODEOWNERS belongs to one",
            root.ws.root.display()
        );
        return Ok(exit::USAGE);
    };
    if root.ws.registry.is_none() {
        eprintln!("error: no owners.yaml: CODEOWNERS needs owners' GitHub handles");
        return Ok(exit::USAGE);
    }
    let model = root.model(crate::utc_today());
    for entry in &model.cards {
        let path = &entry.card.rel_path;
        if let Some(why) = crate::report::codeowners::unwritable(path) {
            eprintln!(
                "warning[unsafe-path]: {}: left out of CODEOWNERS: {why}",
                path.escape_debug()
            );
        }
    }
    let text = codeowners(&model);
    let path = top.join(".github/CODEOWNERS");
    let current = std::fs::read_to_string(&path).ok();
    if opts.check {
        return Ok(if current.as_deref() == Some(text.as_str()) {
            println!("{} is up to date", path.display());
            exit::OK
        } else {
            eprintln!("{} is out of date: run `vouch codeowners`", path.display());
            exit::FAILED
        });
    }
    if let Some(existing) = &current
        && !existing.starts_with(crate::report::codeowners::HEADER)
    {
        eprintln!(
            "error: {} exists and was not written by vouch; refusing to replace it\n  help: merge its rules into owners.yaml, or remove it",
            path.display()
        );
        return Ok(exit::USAGE);
    }
    if current.as_deref() == Some(text.as_str()) {
        println!("{} is up to date", path.display());
        return Ok(exit::OK);
    }
    let written = crate::write::path_within(&top, ".github/CODEOWNERS")
        .and_then(|p| crate::write::replace_file(&p, text.as_bytes()));
    match written {
        Ok(()) => {
            println!("wrote {}", path.display());
            Ok(exit::OK)
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            Ok(exit::FAILED)
        }
    }
}
