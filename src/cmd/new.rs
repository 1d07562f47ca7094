//! `vouch new TEMPLATE TITLE [--collection C] [--owner O] [--lang L]`: writes
//! a new card from a built-in or root template and prints its path.

use std::fs;
use std::path::PathBuf;

use jiff::civil::Date;

use crate::cmd::{exit, open_root};
use crate::git::git_user;
use crate::model::card::file_slug;
use crate::model::template::NewCard;
use crate::resolve::owners::new_card_owner;

#[derive(Debug, Clone)]
pub struct Options {
    pub root: Option<PathBuf>,
    pub template: String,
    pub title: String,
    pub collection: Option<String>,
    pub owner: Option<String>,
    pub lang: Option<String>,
    pub today: Date,
}

pub fn run(opts: &Options) -> anyhow::Result<i32> {
    let ws = match open_root(opts.root.as_deref()) {
        Ok(ws) => ws,
        Err(status) => return Ok(status),
    };
    let Some(template) = ws.templates.get(&opts.template) else {
        eprintln!(
            "error: `{}` is not a card template; use one of: {}",
            opts.template,
            ws.templates
                .by_key
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Ok(exit::USAGE);
    };
    if let Some(c) = &opts.collection
        && !crate::model::collection::is_key(c)
    {
        eprintln!(
            "error: `{c}` is not a collection name: use one folder name, not starting with `.` or `_`"
        );
        return Ok(exit::USAGE);
    }
    let rel = match &opts.collection {
        Some(c) => format!("{c}/{}.md", file_slug(&opts.title)),
        None => format!("{}.md", file_slug(&opts.title)),
    };
    let path = ws.root.join(&rel);
    if path.exists() {
        eprintln!(
            "error: `{}` already exists; choose another title or edit that card",
            path.display()
        );
        return Ok(exit::USAGE);
    }

    if let (Some(owner), Some(registry)) = (&opts.owner, &ws.registry)
        && registry.resolve(owner).is_none()
    {
        eprintln!(
            "error: `{owner}` is not in owners.yaml{}",
            crate::resolve::owners::did_you_mean(registry, owner)
        );
        return Ok(exit::USAGE);
    }
    let user = git_user(&ws.root);
    let (owner, verifier) = new_card_owner(
        &ws,
        opts.collection.as_deref(),
        opts.owner.as_deref(),
        user.as_ref(),
    );
    let text = template.new_card(&NewCard {
        title: &opts.title,
        owner: owner.as_deref(),
        verifier: verifier.as_deref(),
        lang: opts.lang.as_deref(),
        today: opts.today,
    });
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    // create_new: never overwrite, even if the file appeared meanwhile.
    use std::io::Write;
    let mut file = match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(file) => file,
        Err(e) => {
            eprintln!("error: cannot create `{}`: {e}", path.display());
            return Ok(exit::USAGE);
        }
    };
    file.write_all(text.as_bytes())?;
    println!("{}", crate::diagnostic::display_path(&ws.display(&rel)));
    Ok(exit::OK)
}
