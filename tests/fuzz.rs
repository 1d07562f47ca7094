//! A fuzz harness on stable Rust: structure-aware mutations of real cards
//! (front matter, links, raw HTML, headings) fed to the front-matter
//! splitter, the card parser, link resolution and the whole check-and-render
//! pipeline, and HTML fed to the Guru HTML→Markdown import; file heads to
//! the asset policy, hostile titles and file names to every report format
//! and CODEOWNERS, and request bytes to the dev server over a socket.
//! Nothing may panic, hang or overflow the stack, and a few invariants must
//! hold (nothing published opens like a page, no Slack `<`, five cells a
//! Markdown row, no CODEOWNERS rule but vouch's, no split HTTP answer).
//!
//! `cargo test --test fuzz` runs a fixed budget (`VOUCH_FUZZ_CASES`, default
//! 300 per target); `bench/fuzz.sh` runs it for minutes
//! (`VOUCH_FUZZ_SECONDS`) and prints how many inputs each target took.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Real cards to start from: every feature the parser and resolver know.
const SEEDS: &[&str] = &[
    "---\ntitle: Refunds\nowners: [billing, \"@maria\"]\nverified: 2026-10-01\nverified_by: maria\nverify_every: 30d\ntags: [billing, refunds]\nstatus: published\n---\n## Answer\n\nYes, see [export](../product/export.md#limits) and ![flow](img/flow.svg).\n\n<a href=\"other.md#x\">raw</a> <img src='p.png'>\n",
    "\u{feff}---\r\ntitle: 'CRLF'\r\nowners:\r\n  - ana\r\nverified: 2026-01-05\r\n...\r\n# Título\r\n\r\n[self](#título) [up](../) [folder](sub/)\r\n",
    "---\ntitle: Anchors &a\nx-extra: *a\nx-list: [1, {b: 2}]\nlast_reviewed_on: 2020-01-01\nreview_in: six months\nowner_slack: '#team'\n---\n<!-- guidance: remove me -->\n## Q\n\n| a | b |\n|---|---|\n| [t](t.html) | [^1] |\n\n[^1]: note\n",
    "---\ntitle: עברית\nlang: he\ntype: faq\nowners: [x]\nverified: 2026-11-01\n---\n## Answer\n\n<div><b><i>nested</i></b></div> [bad](javascript:alert(1)) [pct](my%20card.md) [abs](/a/b.html)\n",
    "no front matter at all, just [a link](a.md) and <span>html</span>\n",
];

/// Pieces that mean something to one of the parsers.
const DICTIONARY: &[&str] = &[
    "---\n",
    "...\n",
    ": ",
    "\n",
    "  ",
    "- ",
    "[",
    "]",
    "](",
    ")",
    "<a href=\"",
    "\">",
    "</a>",
    "<img src=",
    "<!--",
    "-->",
    "#",
    "../",
    "./",
    "%2e%2e/",
    "%",
    "&#x09;",
    "&amp;",
    "&",
    "*",
    "&a ",
    "!!str ",
    "{",
    "}",
    "'",
    "\"",
    "\\",
    "\t",
    "\r",
    "\u{feff}",
    "é",
    "ש",
    "返",
    "🚀",
    "`",
    "```\n",
    "<div>",
    "</div>",
    "<b>",
    "javascript:",
    "data:",
    "//",
    "?",
    "title:",
    "owners:",
    "verified:",
    "status: draft\n",
    "verify_every: ",
    "99999999999y",
    "2026-02-30",
    "0d",
    "index.md",
    "_/",
    "\u{0}",
    "\u{2028}",
];

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, usize),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Byte(usize, u8),
}

fn edits() -> impl Strategy<Value = (usize, Vec<Edit>)> {
    let edit = prop_oneof![
        (any::<usize>(), 0..DICTIONARY.len()).prop_map(|(at, d)| Edit::Insert(at, d)),
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), 1usize..60).prop_map(|(at, n)| Edit::Duplicate(at, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Byte(at, b)),
    ];
    (0..SEEDS.len(), prop::collection::vec(edit, 0..24))
}

/// A seed with the edits applied, as bytes (they may stop being UTF-8).
fn mutate(seed: usize, edits: &[Edit]) -> Vec<u8> {
    let mut bytes = SEEDS[seed].as_bytes().to_vec();
    for edit in edits {
        let len = bytes.len().max(1);
        match *edit {
            Edit::Insert(at, d) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, DICTIONARY[d].bytes());
            }
            Edit::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                if at < end {
                    bytes.drain(at..end);
                }
            }
            Edit::Duplicate(at, n) => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                if at < end {
                    let copy: Vec<u8> = bytes[at..end].to_vec();
                    bytes.splice(end..end, copy);
                }
            }
            Edit::Byte(at, b) => {
                if !bytes.is_empty() {
                    let at = at % bytes.len();
                    bytes[at] = b;
                }
            }
        }
    }
    bytes
}

/// Runs `check` on generated inputs: `VOUCH_FUZZ_SECONDS` of them when set,
/// else `VOUCH_FUZZ_CASES` (300). Returns how many ran.
fn fuzz<S: Strategy>(
    name: &str,
    strategy: S,
    check: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> u64
where
    S::Value: std::fmt::Debug,
{
    let seconds: Option<u64> = std::env::var("VOUCH_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok());
    let cases: u32 = std::env::var("VOUCH_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let mut total = 0u64;
    loop {
        let batch = if deadline.is_some() { 500 } else { cases };
        let mut runner = TestRunner::new(Config {
            cases: batch,
            failure_persistence: None,
            ..Config::default()
        });
        if let Err(e) = runner.run(&strategy, &check) {
            panic!("{name}: {e}");
        }
        total += u64::from(batch);
        match deadline {
            Some(d) if Instant::now() < d => continue,
            _ => break,
        }
    }
    println!("fuzz {name}: {total} inputs");
    total
}

#[test]
fn front_matter_splitter() {
    fuzz("front-matter", edits(), |(seed, edits)| {
        let bytes = mutate(seed, &edits);
        let text = String::from_utf8_lossy(&bytes);
        let split = vouch::front_matter::split(&text);
        for range in [
            Some(split.body.clone()),
            split.yaml.clone(),
            split.opener.clone(),
        ]
        .into_iter()
        .flatten()
        {
            prop_assert!(range.start <= range.end && range.end <= text.len());
            prop_assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
        }
        Ok(())
    });
}

#[test]
fn card_parser_and_link_resolution() {
    let templates = vouch::model::template::Templates::built_in();
    fuzz("card", edits(), |(seed, edits)| {
        let bytes = mutate(seed, &edits);
        for dialect in [
            vouch::model::Dialect::Vouch,
            vouch::model::Dialect::TechDocs,
        ] {
            // tech-docs pages run their ERB: fuzz that reader too.
            let rel = match dialect {
                vouch::model::Dialect::Vouch => "support/refunds.md",
                vouch::model::Dialect::TechDocs => "support/refunds.html.md.erb",
            };
            let (card, diagnostics) = vouch::model::card::parse(
                rel,
                PathBuf::from("kb").join(rel),
                bytes.clone(),
                &vouch::model::card::Reading::alone(&templates, dialect),
            );
            for d in &diagnostics {
                prop_assert!(
                    d.line >= 1 && d.column >= 1 && d.end_column >= d.column,
                    "{d:?}"
                );
            }
            let Some(card) = card else { continue };
            for link in &card.outline.links {
                prop_assert!(link.span.end <= bytes.len());
                if let vouch::urlpath::Target::Path { rel, .. } =
                    vouch::urlpath::resolve_in_site(&link.dest, &card.rel_path, true)
                {
                    prop_assert!(!rel.split('/').any(|s| s == ".."), "{rel}");
                }
                let href = vouch::resolve::urls::href(&link.dest);
                prop_assert!(!href.contains([':', '"', '<', '>', ' ']), "{href}");
            }
        }
        Ok(())
    });
}

#[test]
fn whole_pipeline_on_a_root() {
    // Fewer inputs: each writes a root, checks and renders it.
    let cases = std::env::var("VOUCH_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .map_or(40, |n| (n / 8).max(8));
    let strategy = prop::collection::vec(edits(), 1..4);
    let run = |inputs: Vec<(usize, Vec<Edit>)>| -> Result<(), TestCaseError> {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("kb");
        std::fs::create_dir_all(root.join("support")).unwrap();
        std::fs::write(root.join("vouch.yaml"), "").unwrap();
        std::fs::write(
            root.join("owners.yaml"),
            "people:\n  maria: {}\n  ana: {}\nteams:\n  billing:\n    members: [maria]\n",
        )
        .unwrap();
        for (i, (seed, edits)) in inputs.iter().enumerate() {
            let name = [
                "support/refunds.md",
                "support/index.md",
                "other.md",
                "support/a/b.md",
            ][i % 4];
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, mutate(*seed, edits)).unwrap();
        }
        let opened = vouch::resolve::Root::open(&root, false).unwrap();
        let model = opened.model("2026-11-25".parse().unwrap());
        let checked = vouch::validate::validate(&model);
        prop_assert!(checked.summary.cards == inputs.len().min(4) || checked.summary.cards <= 4);
        vouch::render::build(&model, &tmp.path().join("site")).unwrap();
        Ok(())
    };
    fuzz_roots("pipeline", cases, strategy, run);
}

/// Runs `run` on generated roots: `cases` of them, or batches of `cases`
/// for a quarter of `VOUCH_FUZZ_SECONDS` when set (each writes a root, so
/// fewer than the in-memory targets take).
fn fuzz_roots<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    run: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let seconds: Option<u64> = std::env::var("VOUCH_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok());
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s / 4));
    let mut total = 0;
    loop {
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        if let Err(e) = runner.run(&strategy, &run) {
            panic!("{name}: {e}");
        }
        total += cases;
        match deadline {
            Some(d) if Instant::now() < d => continue,
            _ => break,
        }
    }
    println!("fuzz {name}: {total} roots");
}

#[test]
fn guru_html_to_markdown() {
    let html = prop::collection::vec(
        prop_oneof![
            Just("<p>".to_owned()),
            Just("</p>".to_owned()),
            Just("<b>".to_owned()),
            Just("</b>".to_owned()),
            Just("<a href=\"cards/x\">".to_owned()),
            Just("</a>".to_owned()),
            Just("<ul><li>".to_owned()),
            Just("<table><tr><td>".to_owned()),
            Just("<script>x()</script>".to_owned()),
            Just("<br>".to_owned()),
            Just("&amp;&lt;&#x41;".to_owned()),
            "[a-zA-Zé返 <>&;\"'/=]{0,12}",
        ],
        0..400,
    );
    fuzz("guru-html", html, |parts| {
        let markdown = vouch::guru::import::html_to_markdown(&parts.concat());
        prop_assert!(markdown.ends_with('\n'));
        Ok(())
    });
    // Far past any depth a reader writes: no stack overflow.
    let deep = format!("{}x{}", "<b>".repeat(50_000), "</b>".repeat(50_000));
    assert!(vouch::guru::import::html_to_markdown(&deep).contains('x'));
}

/// Names, extensions and first bytes for the asset policy: markup, real
/// signatures, byte-order marks, blank space and noise.
const ASSET_PIECES: &[&[u8]] = &[
    b"<",
    b"<script>",
    b"<svg ",
    b"<?xml",
    b"<!doctype html>",
    b"<html>",
    b"\xef\xbb\xbf",
    b" ",
    b"\n",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF89a",
    b"%PDF-",
    b"PK\x03\x04",
    b"RIFF\0\0\0\0WEBP",
    b"\0\0\0\x18ftyp",
    b"{\"a\": 1}",
    b"plain text",
    b"\xc3",
    b"\0",
];
const EXTENSIONS: &[&str] = &[
    "png", "PNG", "jpg", "gif", "webp", "pdf", "txt", "csv", "json", "yaml", "zip", "docx", "mp4",
    "html", "htm", "xhtml", "svg", "xml", "js", "css", "", "png.html", "html.png",
];

#[test]
fn asset_policy() {
    let strategy = (
        0..EXTENSIONS.len(),
        prop::collection::vec(
            prop_oneof![
                (0..ASSET_PIECES.len()).prop_map(|i| ASSET_PIECES[i].to_vec()),
                prop::collection::vec(any::<u8>(), 0..8),
            ],
            0..12,
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    fuzz("asset-policy", strategy, |(ext, pieces)| {
        let bytes = pieces.concat();
        let name = if EXTENSIONS[ext].is_empty() {
            "file".to_owned()
        } else {
            format!("file.{}", EXTENSIONS[ext])
        };
        let path = dir.path().join(&name);
        std::fs::write(&path, &bytes).unwrap();
        let refused = vouch::asset::refusal(&path, &format!("a/{name}"));
        let last = EXTENSIONS[ext]
            .rsplit('.')
            .next()
            .unwrap()
            .to_ascii_lowercase();
        if matches!(
            last.as_str(),
            "html" | "htm" | "xhtml" | "svg" | "xml" | "js" | "css" | ""
        ) {
            prop_assert!(refused.is_some(), "{name} published");
        }
        if refused.is_none() {
            // Nothing published opens like a page a browser would run.
            let head = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
            let start = head
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(head.len());
            let head = &head[start..];
            let markup = head.first() == Some(&b'<')
                && head
                    .get(1)
                    .is_some_and(|b| b.is_ascii_alphabetic() || b"!?/".contains(b));
            prop_assert!(!markup, "{name} published with markup first: {bytes:?}");
        }
        Ok(())
    });
}

/// Pieces of titles and file names that mean something to Slack, Markdown,
/// GitHub, CODEOWNERS or a terminal.
const OUTPUT_PIECES: &[&str] = &[
    "<!channel>",
    "<!here>",
    "<https://evil.example|Verify here>",
    "|",
    "](https://evil.example)",
    "[",
    "@acme/admins",
    "#12",
    "`",
    "*",
    "_",
    "\\",
    "\u{1b}[2J",
    "\u{1b}]52;c;ZXZpbA==\u{7}",
    "\u{202e}",
    "\u{2066}",
    "\n",
    "\r",
    "\t",
    " ",
    "&",
    "<b>",
    "-->",
    "Refunds",
    "é",
    "ש",
];

#[test]
fn report_formats_and_codeowners() {
    let piece = || (0..OUTPUT_PIECES.len()).prop_map(|i| OUTPUT_PIECES[i]);
    let strategy = (
        prop::collection::vec(piece(), 1..8),
        prop::collection::vec(piece(), 1..5),
    );
    let cases = std::env::var("VOUCH_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .map_or(60, |n| (n / 5).max(10));
    let run = |(title, name): (Vec<&str>, Vec<&str>)| -> Result<(), TestCaseError> {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("kb");
        std::fs::create_dir_all(root.join("support")).unwrap();
        std::fs::write(root.join("vouch.yaml"), "base_url: https://kb.example\n").unwrap();
        std::fs::write(
            root.join("owners.yaml"),
            "people:\n  ana:\n    github: ana-s\n    slack: \"@ana\"\n",
        )
        .unwrap();
        let title = serde_json::to_string(&title.concat()).unwrap();
        let card =
            format!("---\ntitle: {title}\nowners: [ana]\nverified: 2020-01-01\n---\nBody.\n");
        let file: String = name.concat().chars().filter(|c| *c != '/').collect();
        let file = format!("support/{file}.md");
        std::fs::write(root.join(&file), &card).unwrap();
        std::fs::write(root.join("support/plain.md"), &card).unwrap();
        let opened = vouch::resolve::Root::open(&root, false).unwrap();
        let model = opened.model("2026-11-25".parse().unwrap());
        let report = vouch::report::due::due(&model);
        use vouch::report::due::{ReportFormat, render};
        for line in render(&report, ReportFormat::Slack, &model).lines() {
            let json: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = json["text"].as_str().unwrap();
            prop_assert!(
                !text.contains('<') && !text.contains('\u{1b}'),
                "slack: {text:?}"
            );
        }
        let markdown = render(&report, ReportFormat::Markdown, &model);
        for row in markdown.lines().filter(|l| l.starts_with("| [")) {
            let bars = row
                .char_indices()
                .filter(|&(i, c)| c == '|' && !row[..i].ends_with('\\'))
                .count();
            prop_assert_eq!(bars, 5, "markdown row: {:?}", row);
        }
        let issues: serde_json::Value =
            serde_json::from_str(&render(&report, ReportFormat::GithubIssues, &model)).unwrap();
        for issue in issues["open"].as_array().unwrap() {
            let body = issue["body"].as_str().unwrap();
            prop_assert!(
                !body.contains("@acme/admins") && !body.contains("#12"),
                "{body:?}"
            );
            prop_assert_eq!(body.matches("<!--").count(), 1, "{:?}", body);
        }
        let codeowners = vouch::report::codeowners::codeowners(&model);
        let rules: Vec<&str> = codeowners
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        prop_assert!(rules.len() <= 2, "{codeowners:?}");
        for rule in rules {
            prop_assert!(
                rule.starts_with("/support/") && rule.ends_with(" @ana-s") && !rule.contains('\r'),
                "{rule:?}"
            );
        }
        Ok(())
    };
    fuzz_roots("reports", cases, strategy, run);
}

#[test]
fn serve_request_parser() {
    use std::io::{Read, Write};
    let site = tempfile::tempdir().unwrap();
    std::fs::write(
        site.path().join("index.html"),
        "<html><body>home</body></html>",
    )
    .unwrap();
    std::fs::create_dir_all(site.path().join("a\r\nX-Injected: yes")).unwrap();
    std::fs::write(site.path().join("404.html"), "gone").unwrap();
    let server =
        vouch::serve::Server::start("127.0.0.1:0".parse().unwrap(), site.path().to_path_buf())
            .unwrap();
    let port = server.addr.port();
    let host = format!("Host: localhost:{port}\r\n");
    let pieces: Vec<String> = [
        "GET ",
        "HEAD ",
        "POST ",
        "/",
        "//",
        "..",
        "%2e%2e/",
        "%0D%0A",
        "%00",
        "a%0D%0AX-Injected:%20yes",
        "?q=1",
        "#x",
        " HTTP/1.1\r\n",
        "\r\n",
        "\n",
        ":",
        "Host: evil.example\r\n",
        &host,
        "X: y\r\n",
        "é",
        "\u{0}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let strategy = prop::collection::vec(0..pieces.len(), 0..16);
    let ask = |request: &[u8]| -> String {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let _ = stream.write_all(request);
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    };
    fuzz("serve-requests", strategy, |parts| {
        let mut request: String = parts.iter().map(|&i| pieces[i].as_str()).collect();
        request.push_str("\r\n\r\n");
        let answer = ask(request.as_bytes());
        prop_assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 "),
            "{answer:?}"
        );
        let head = answer.split("\r\n\r\n").next().unwrap_or_default();
        prop_assert!(
            !head.lines().any(|l| l.starts_with("X-Injected")),
            "{request:?} split the answer: {head:?}"
        );
        Ok(())
    });
    // Still answering.
    let answer = ask(format!("GET / HTTP/1.1\r\n{host}\r\n").as_bytes());
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
