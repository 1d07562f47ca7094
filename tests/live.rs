//! The engine behind `vouch serve`, called directly: an edit is applied in
//! place, writes only what changed, and removes what the site no longer has;
//! anything else rebuilds the whole site.

use std::fs;
use std::path::{Path, PathBuf};

use vouch::live::Live;

fn today() -> jiff::civil::Date {
    "2026-11-25".parse().unwrap()
}

fn card(title: &str, tags: &str) -> String {
    format!(
        "---\ntitle: {title}\nowners: [ana]\nverified: 2026-11-20\ntags: [{tags}]\n---\nBody of {title}.\n"
    )
}

fn setup(root: &Path) {
    fs::create_dir_all(root.join("guides")).unwrap();
    fs::write(
        root.join("vouch.yaml"),
        "title: Live\nbase_url: https://kb.example/\n",
    )
    .unwrap();
    fs::write(root.join("guides/a.md"), card("A", "alpha, shared")).unwrap();
    fs::write(root.join("guides/b.md"), card("B", "shared")).unwrap();
}

/// A root made by [`setup`] and its site, built.
fn built() -> (tempfile::TempDir, PathBuf, PathBuf, Live) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    let out = tmp.path().join("site");
    setup(&root);
    let live = Live::build(&root, &out, today()).unwrap();
    (tmp, root, out, live)
}

#[test]
fn an_edit_is_applied_in_place_and_removes_what_is_gone() {
    let (_tmp, root, out, mut live) = built();
    assert!(live.paths().contains("_/tags/alpha/index.html"));
    assert!(out.join("_/tags/alpha/index.html").is_file());
    let b_page = out.join("guides/b/index.html");
    let b_before = fs::read(&b_page).unwrap();

    fs::write(root.join("guides/a.md"), card("A2", "shared")).unwrap();
    let change = live.update(&[root.join("guides/a.md")], today()).unwrap();
    assert!(!change.full, "an edit of a known card is applied in place");
    assert!(change.removed >= 1, "{change:?}");
    assert!(!out.join("_/tags/alpha").exists());
    assert!(!live.paths().contains("_/tags/alpha/index.html"));
    assert!(
        fs::read_to_string(out.join("guides/a/index.html"))
            .unwrap()
            .contains("Body of A2.")
    );
    // B's page names A as its previous card and as a related card (they
    // share a tag): it now says A2, byte for byte as a full build writes it.
    let b_after = fs::read_to_string(&b_page).unwrap();
    assert_ne!(b_after.as_bytes(), b_before.as_slice());
    assert!(
        b_after.contains(">A2</bdi></span></a>") && b_after.contains(">A2</bdi></a>"),
        "{b_after}"
    );
    let fresh = out.with_file_name("fresh");
    Live::build(&root, &fresh, today()).unwrap();
    assert_eq!(
        b_after,
        fs::read_to_string(fresh.join("guides/b/index.html")).unwrap()
    );
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("/_/tags/alpha/"), "{sitemap}");
    assert!(
        fs::read_to_string(out.join("cards.json"))
            .unwrap()
            .contains("\"A2\"")
    );

    // The search index follows, and every file the engine knows is there.
    live.update_search(today(), &|| false)
        .unwrap()
        .expect("not superseded");
    for path in live.paths() {
        assert!(out.join(path).is_file(), "{path} is listed but missing");
    }
    let listed = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    // The marker file is the only one the engine does not list.
    assert_eq!(listed, live.paths().len() + 1);

    // The tag back: its page, removed, is written again with the bytes it
    // had (the folder's memory of what it wrote forgets a removed file).
    for round in 0..2 {
        fs::write(root.join("guides/a.md"), card("A", "shared")).unwrap();
        live.update(&[root.join("guides/a.md")], today()).unwrap();
        assert!(!out.join("_/tags/alpha").exists(), "round {round}");
        fs::write(root.join("guides/a.md"), card("A", "alpha, shared")).unwrap();
        live.update(&[root.join("guides/a.md")], today()).unwrap();
        assert!(
            out.join("_/tags/alpha/index.html").is_file(),
            "round {round}"
        );
    }
}

#[test]
fn a_new_card_rebuilds_everything() {
    let (_tmp, root, out, mut live) = built();
    fs::write(root.join("guides/c.md"), card("C", "gamma")).unwrap();
    let change = live.update(&[root.join("guides/c.md")], today()).unwrap();
    assert!(change.full);
    assert!(out.join("guides/c/index.html").is_file());
    assert!(out.join("_/tags/gamma/index.html").is_file());
    assert_eq!(live.checked().summary.cards, 3);
}

#[test]
fn a_search_rebuild_superseded_by_a_newer_save_writes_nothing() {
    let (_tmp, root, out, mut live) = built();
    let index = |out: &Path| -> Vec<(String, Vec<u8>)> {
        let dir = out.join("_/search");
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().display().to_string(), fs::read(e.path()).unwrap()))
            .collect();
        files.sort();
        files
    };
    let before = index(&out);
    fs::write(root.join("guides/a.md"), card("Zebra crossing", "shared")).unwrap();
    live.update(&[root.join("guides/a.md")], today()).unwrap();
    assert_eq!(index(&out), before, "the index waits for the page");
    assert!(
        live.update_search(today(), &|| true).unwrap().is_none(),
        "a newer save supersedes the rebuild"
    );
    assert_eq!(index(&out), before, "a superseded rebuild writes nothing");
    let done = live.update_search(today(), &|| false).unwrap().unwrap();
    assert!(done.written > 0);
    let shard = out.join(format!(
        "_/search/t/{}.json",
        vouch::search::index::hex("ze")
    ));
    assert!(
        fs::read_to_string(shard).unwrap().contains("\"zebra\""),
        "the new title is searchable"
    );
}

/// Every file under `out`'s search folder, by path in it, with its bytes.
fn search_files(out: &Path) -> Vec<(String, Vec<u8>)> {
    let dir = out.join("_/search");
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&dir).unwrap().display().to_string();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn search_updates_reuse_unchanged_cards_and_match_a_full_build() {
    let (_tmp, root, out, mut live) = built();
    for i in 0..12 {
        fs::write(
            root.join(format!("guides/n{i}.md")),
            card(&format!("Note {i}"), "notes"),
        )
        .unwrap();
    }
    let change = live.update(&[root.join("guides/n0.md")], today()).unwrap();
    assert!(change.full);
    // The first update compares with what the build wrote: nothing changed.
    let first = live.update_search(today(), &|| false).unwrap().unwrap();
    assert_eq!(first.written, 0, "{first:?}");

    let edits = [
        // The same title (its place in the index), another body.
        (
            "guides/n3.md",
            card("Note 3", "notes").replace("Body of", "New body of"),
        ),
        ("guides/a.md", card("Aardvark", "alpha")),
        // A language of its own: the card is tokenized again.
        (
            "guides/n5.md",
            "---\ntitle: Nota cinco\nlang: pt\nowners: [ana]\nverified: 2026-11-20\n---\nCorpo da nota.\n".to_owned(),
        ),
    ];
    for (k, (rel, text)) in edits.iter().enumerate() {
        fs::write(root.join(rel), text).unwrap();
        live.update(&[root.join(rel)], today()).unwrap();
        if k == 1 {
            // Superseded once: the next update still holds every card.
            assert!(live.update_search(today(), &|| true).unwrap().is_none());
        }
        let done = live.update_search(today(), &|| false).unwrap().unwrap();
        assert!(done.written > 0, "{rel}: {done:?}");
        assert!(
            k > 0 || done.written < search_files(&out).len() / 4,
            "{rel}: an edit of one card rewrites a few files, not the index: {done:?}"
        );
    }
    let again = live.update_search(today(), &|| false).unwrap().unwrap();
    assert_eq!(again.written, 0, "nothing changed: {again:?}");

    let fresh = out.with_file_name("fresh");
    Live::build(&root, &fresh, today()).unwrap();
    let (now, built) = (search_files(&out), search_files(&fresh));
    assert_eq!(
        now.iter().map(|f| &f.0).collect::<Vec<_>>(),
        built.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((path, a), (_, b)) in now.iter().zip(&built) {
        assert!(a == b, "{path} differs from a full build's");
    }
}
