//! `vouch new TEMPLATE TITLE [--collection C] [--owner O] [--lang L]`: writes
//! a new card from a built-in or root template and prints its path.

use std::fs;
use std::path::PathBuf;

use jiff::civil::Date;

use crate::cmd::{exit, open_root};
use crate::edit::yaml_scalar;
use crate::git::git_user;
use crate::load::Workspace;
use crate::model::card::file_slug;
use crate::resolve::owners::{identify, may_verify, resolve_all};

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

    let (owner, verifier) = owner_and_verifier(&ws, opts);
    let mut text = String::from("---\n");
    text.push_str(&format!("title: {}\n", yaml_scalar(&opts.title)));
    if template.key != "card" {
        text.push_str(&format!("type: {}\n", template.key));
    }
    if let Some(owner) = &owner {
        text.push_str(&format!("owners: [{}]\n", yaml_scalar(owner)));
    }
    text.push_str(&format!("verified: {}\n", opts.today));
    if let Some(verifier) = &verifier {
        text.push_str(&format!("verified_by: {}\n", yaml_scalar(verifier)));
    }
    if let Some(lang) = &opts.lang {
        text.push_str(&format!("lang: {}\n", yaml_scalar(lang)));
    }
    for field in &template.required_fields {
        text.push_str(&format!("{field}:\n"));
    }
    text.push_str("---\n");
    text.push_str(template.body.trim_start_matches(['\r', '\n']));
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

/// The owner to write (`--owner`, else the git user when the registry knows
/// them, else none when the collection has default owners) and the verifier
/// (the git user, when they are that owner or in that team).
fn owner_and_verifier(ws: &Workspace, opts: &Options) -> (Option<String>, Option<String>) {
    let me = git_user(&ws.root);
    let Some(registry) = &ws.registry else {
        let name = me
            .map(|u| u.name.or(u.email).unwrap_or_default())
            .filter(|n| !n.is_empty());
        return (opts.owner.clone().or_else(|| name.clone()), name);
    };
    let me = me
        .and_then(|u| identify(registry, &u))
        .filter(|o| o.is_active_person());
    let collection_default = opts
        .collection
        .as_ref()
        .and_then(|c| ws.collections.get(c))
        .is_some_and(|c| !c.owners.is_empty());
    let owner = opts.owner.clone().or_else(|| {
        if collection_default {
            None
        } else {
            me.map(|m| m.key.clone())
        }
    });
    let owners: Vec<String> = match &owner {
        Some(o) => vec![o.clone()],
        None => opts
            .collection
            .as_ref()
            .and_then(|c| ws.collections.get(c))
            .map(|c| c.owners.iter().map(|(o, _)| o.clone()).collect())
            .unwrap_or_default(),
    };
    let names: Vec<&str> = owners.iter().map(String::as_str).collect();
    let owners = resolve_all(&names, Some(registry));
    let verifier = me.filter(|m| may_verify(registry, &owners, m).is_ok());
    (owner, verifier.map(|m| m.key.clone()))
}
