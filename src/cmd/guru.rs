//! `vouch import guru` and `vouch export guru`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::cmd::{exit, open_root};
use crate::diagnostic::{Severity, plural};
use crate::guru::{bundle, export, import};
use crate::yaml::double_quoted as quoted;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub source: PathBuf,
    pub into: Option<PathBuf>,
    pub collection: Option<String>,
    pub owner: Option<String>,
    pub verified: bool,
    pub today: Date,
    pub color: bool,
}

/// The collection name a bundle gets by default: its file or folder name.
fn default_collection(source: &Path) -> String {
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".zip").unwrap_or(&name);
    crate::model::card::file_slug(stem)
}

/// Whether `dir` is missing or an empty folder: a root the import may create.
fn is_new_root(dir: &Path) -> bool {
    match fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

pub fn run_import(opts: &ImportOptions) -> anyhow::Result<i32> {
    let root = match &opts.into {
        Some(dir) => dir.clone(),
        None => match crate::load::find_root(None) {
            Ok(root) => root,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(exit::USAGE);
            }
        },
    };
    let collection = opts
        .collection
        .clone()
        .unwrap_or_else(|| default_collection(&opts.source));
    if !crate::model::collection::is_key(&collection) {
        eprintln!(
            "error: `{collection}` cannot name a collection: give one folder name that does not start with `_` or `.`"
        );
        return Ok(exit::USAGE);
    }

    let mut diagnostics = Vec::new();
    let files = match bundle::read(&opts.source, &mut diagnostics) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(exit::USAGE);
        }
    };
    let bundle = bundle::parse(files, &mut diagnostics);

    if is_new_root(&root) {
        fs::create_dir_all(&root)?;
        crate::write::create_file(&root.join("vouch.yaml"), b"title: Knowledge base\n")?;
    } else if !root.join("vouch.yaml").is_file() {
        eprintln!(
            "error: `{}` is not a knowledge root (no vouch.yaml)\n  help: import into an empty folder, or run `vouch init` first",
            root.display()
        );
        return Ok(exit::USAGE);
    }
    let ws = match open_root(Some(&root)) {
        Ok(ws) => ws,
        Err(status) => return Ok(status),
    };
    if let (Some(owner), Some(registry)) = (&opts.owner, &ws.registry)
        && registry.resolve(owner).is_none()
    {
        eprintln!(
            "error: `{owner}` is not in owners.yaml\n  help: give a person or team key (or a handle) that owners.yaml lists"
        );
        return Ok(exit::USAGE);
    }
    // Nothing is written through a symbolic link, however the folder came to be.
    let collection_file =
        match crate::write::path_within(&root, &format!("{collection}/_collection.yaml")) {
            Ok(path) => path,
            Err(e) => {
                eprintln!("error: cannot import into `{collection}`: {e}");
                return Ok(exit::USAGE);
            }
        };
    if fs::symlink_metadata(&collection_file).is_err() {
        let source_name = opts
            .source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        crate::write::create_file(
            &collection_file,
            format!(
                "title: {}\ndescription: {}\n",
                quoted(&collection),
                quoted(&format!(
                    "Imported from Guru ({source_name}) on {}.",
                    opts.today
                ))
            )
            .as_bytes(),
        )?;
    }

    let imported = import::import(
        &bundle,
        Some(&ws),
        &import::Options {
            root: &root,
            collection: &collection,
            owner: opts.owner.as_deref(),
            verified: opts.verified,
            today: opts.today,
        },
    );
    diagnostics.extend(imported.diagnostics.iter().cloned());
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    crate::report::write_human(&mut out, &diagnostics, opts.color)?;
    for rel in &imported.created {
        writeln!(out, "created   {}", root.join(rel).display())?;
    }
    for (rel, changed) in &imported.updated {
        writeln!(
            out,
            "updated   {} ({})",
            root.join(rel).display(),
            changed.join(", ")
        )?;
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    writeln!(
        out,
        "imported {} into {}: {} created, {} updated, {} unchanged; {}; {}",
        plural(
            imported.created.len() + imported.updated.len() + imported.unchanged.len(),
            "card"
        ),
        root.join(&collection).display(),
        imported.created.len(),
        imported.updated.len(),
        imported.unchanged.len(),
        plural(imported.resources, "resource file"),
        plural(errors, "error"),
    )?;
    if imported.ownerless > 0 {
        writeln!(
            out,
            "needs an owner: {} written with `owners: []`; set a real owner in each, or `owners` in {} (or import again with --owner)",
            plural(imported.ownerless, "new card"),
            collection_file.display()
        )?;
    }
    if !imported.unverified.is_empty() {
        writeln!(
            out,
            "verification cleared: {} changed in Guru, so `verified` and `verified_by` were removed; an owner reads each and runs `vouch verify` on it",
            plural(imported.unverified.len(), "updated card")
        )?;
    }
    if !opts.verified && !imported.created.is_empty() {
        writeln!(
            out,
            "needs verifying: the new cards have no `verified` date, so `check` reports each until an owner reads it and runs `vouch verify` on it"
        )?;
    } else if !imported.created.is_empty() {
        writeln!(
            out,
            "verified: the new cards say they were verified on {} (the import day), as --verified asked",
            opts.today
        )?;
    }
    out.flush()?;
    Ok(if errors > 0 { exit::FAILED } else { exit::OK })
}

#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub root: Option<PathBuf>,
    pub out: PathBuf,
    pub color: bool,
}

pub fn run_export(opts: &ExportOptions) -> anyhow::Result<i32> {
    let ws = match open_root(opts.root.as_deref()) {
        Ok(ws) => ws,
        Err(status) => return Ok(status),
    };
    let model =
        crate::resolve::Model::new(&ws, crate::utc_today(), crate::resolve::GitFacts::default());
    match export::export(&model, &opts.out) {
        Ok(exported) => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            crate::report::write_human(&mut out, &exported.diagnostics, opts.color)?;
            writeln!(
                out,
                "exported {} in {} and {} to {}",
                plural(exported.cards, "published card"),
                plural(exported.folders, "folder"),
                plural(exported.resources, "resource file"),
                opts.out.display()
            )?;
            out.flush()?;
            Ok(exit::OK)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(exit::USAGE)
        }
    }
}
