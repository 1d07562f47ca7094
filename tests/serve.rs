//! `vouch serve` over a real socket: it serves the site with the live-reload
//! script, rebuilds when a card changes and pushes a reload event, shows a
//! build error to open pages, and listens on loopback only.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Serving {
    child: Child,
    port: u16,
    /// The folder the server builds into.
    site: std::path::PathBuf,
    /// Kept open so the server can go on printing.
    stdout: Option<BufReader<std::process::ChildStdout>>,
}

impl Drop for Serving {
    /// Stops the server as Ctrl-C does, so it removes its temporary site
    /// (a killed server leaves it in the temporary folder); killed only if
    /// it has not stopped within five seconds.
    fn drop(&mut self) {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: signalling our own child, which has not been reaped.
        unsafe { libc::kill(pid, libc::SIGINT) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &std::path::Path) -> Serving {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .arg("serve")
        .arg(root)
        .args(["--port", "0", "--today", "2026-11-25"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("vouch serve starts");
    let mut first = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first).unwrap();
    let port = first
        .strip_prefix("serving http://127.0.0.1:")
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line: {first}"));
    let site = first
        .split(" from ")
        .nth(1)
        .and_then(|rest| rest.split(" (built").next())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| panic!("no site folder in: {first}"));
    Serving {
        child,
        port,
        site,
        stdout: Some(stdout),
    }
}

fn get(port: u16, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (
        head.lines().next().unwrap_or_default().to_owned(),
        body.to_owned(),
    )
}

/// Reads the event stream until `needle` arrives, or fails after 20 s.
fn wait_for(events: &mut TcpStream, needle: &str) -> String {
    events
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        match events.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                seen.push_str(&String::from_utf8_lossy(&buf[..n]));
                if seen.contains(needle) {
                    return seen;
                }
            }
            Err(_) => continue,
        }
    }
    panic!("no `{needle}` on the event stream; got: {seen}");
}

#[test]
fn serves_rebuilds_and_reloads() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    fs::create_dir_all(root.join("guides")).unwrap();
    fs::write(root.join("vouch.yaml"), "title: Served\n").unwrap();
    let card = root.join("guides/hello.md");
    fs::write(
        &card,
        "---\ntitle: Hello\nowners: [me]\nverified: 2026-11-20\n---\nFirst version.\n",
    )
    .unwrap();
    fs::write(
        root.join("guides/links.md"),
        "---\ntitle: Links\nowners: [me]\nverified: 2026-11-20\n---\nSee [hello](hello.md).\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("other")).unwrap();
    fs::write(
        root.join("other/unrelated.md"),
        "---\ntitle: Unrelated\nowners: [you]\nverified: 2026-11-20\n---\nElsewhere.\n",
    )
    .unwrap();
    let serving = start(&root);

    let (status, home) = get(serving.port, "/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        home.contains("<title>Served</title>")
            && home.contains(r#"<script src="/__vouch/reload.js"></script>"#)
    );
    let (status, page) = get(serving.port, "/guides/hello/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(page.contains("First version."));
    assert_eq!(
        get(serving.port, "/guides/hello").0,
        "HTTP/1.1 301 Moved Permanently"
    );
    assert_eq!(get(serving.port, "/nowhere/").0, "HTTP/1.1 404 Not Found");
    assert_eq!(
        get(serving.port, "/../../etc/passwd").0,
        "HTTP/1.1 400 Bad Request"
    );
    let (status, script) = get(serving.port, "/__vouch/reload.js");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(script.contains("EventSource"));

    let mut events = events(serving.port);

    // An editor's temporary file is ignored: no rebuild within a second.
    fs::write(root.join("guides/.hello.md.swp"), "swap").unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let mut buf = [0u8; 256];
    assert!(
        events.read(&mut buf).is_err(),
        "a swap file triggered an event"
    );
    // The card's edit is not, and it rebuilds only what it affects: the card,
    // the pages listing it, the card it links to; not an unrelated card.
    let unrelated = serving.site.join("other/unrelated/index.html");
    let before = fs::metadata(&unrelated).unwrap().modified().unwrap();
    fs::write(
        &card,
        "---\ntitle: Hello again\nowners: [me]\nverified: 2026-11-20\n---\nSecond version.\n",
    )
    .unwrap();
    wait_for(&mut events, "event: reload");
    let (_, page) = get(serving.port, "/guides/hello/");
    assert!(
        page.contains("Second version.") && page.contains("<h1>Hello again</h1>"),
        "the page shows the edit"
    );
    assert!(
        get(serving.port, "/guides/")
            .1
            .contains(">Hello again</bdi></a>"),
        "the collection lists the new title"
    );
    assert!(
        get(serving.port, "/cards.json")
            .1
            .contains("\"title\":\"Hello again\"")
    );
    assert_eq!(
        fs::metadata(&unrelated).unwrap().modified().unwrap(),
        before,
        "an unrelated page was rewritten"
    );
    // Retitling the card that links to hello re-renders hello's backlinks.
    fs::write(
        root.join("guides/links.md"),
        "---\ntitle: Links renamed\nowners: [me]\nverified: 2026-11-20\n---\nSee [hello](hello.md).\n",
    )
    .unwrap();
    wait_for(&mut events, "event: reload");
    assert!(
        get(serving.port, "/guides/hello/")
            .1
            .contains(r#"<a href="../../guides/links/"><bdi>Links renamed</bdi></a>"#),
        "the link target's backlinks show the new title"
    );

    // A broken site template shows its error on open pages, and the last good
    // site keeps being served.
    fs::create_dir_all(root.join("templates/site")).unwrap();
    fs::write(root.join("templates/site/card.html"), "{% if %}").unwrap();
    let seen = wait_for(&mut events, "event: build-error");
    assert!(seen.contains("templates/site/card.html"), "{seen}");
    assert!(
        get(serving.port, "/guides/hello/")
            .1
            .contains("Second version.")
    );
}

#[test]
fn listens_on_loopback_only() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("vouch.yaml"), "").unwrap();
    let serving = start(tmp.path());
    // /proc/net/tcp lists listening sockets (state 0A) with their local
    // address in hex: 0100007F is 127.0.0.1.
    let table = fs::read_to_string("/proc/net/tcp").unwrap();
    let port = format!("{:04X}", serving.port);
    let listening: Vec<&str> = table
        .lines()
        .filter(|l| l.split_whitespace().nth(3) == Some("0A"))
        .filter_map(|l| l.split_whitespace().nth(1))
        .filter(|addr| addr.ends_with(&format!(":{port}")))
        .collect();
    assert_eq!(listening, [format!("0100007F:{port}")]);
    let table6 = fs::read_to_string("/proc/net/tcp6").unwrap_or_default();
    assert!(!table6.lines().any(|l| {
        l.split_whitespace()
            .nth(1)
            .is_some_and(|a| a.ends_with(&format!(":{port}")))
    }));
}

/// Opens the server's event stream.
fn events(port: u16) -> TcpStream {
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        events,
        "GET /__vouch/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .unwrap();
    wait_for(&mut events, "text/event-stream");
    events
}

#[test]
fn pages_the_site_no_longer_has_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    fs::create_dir_all(root.join("guides")).unwrap();
    fs::create_dir_all(root.join("lonely")).unwrap();
    fs::write(
        root.join("vouch.yaml"),
        "title: Served\nbase_url: https://kb.example/\n",
    )
    .unwrap();
    let card = |tags: &str, owner: &str| {
        format!(
            "---\ntitle: Only\nowners: [{owner}]\nverified: 2026-11-20\ntags: [{tags}]\n---\nThe only card here.\n"
        )
    };
    let only = root.join("lonely/only.md");
    fs::write(&only, card("rare, common", "zed")).unwrap();
    fs::write(
        root.join("guides/other.md"),
        "---\ntitle: Other\nowners: [amy]\nverified: 2026-11-20\ntags: [common]\n---\nSee [only](../lonely/only.md).\n",
    )
    .unwrap();
    let serving = start(&root);
    let ok = "HTTP/1.1 200 OK";
    let gone = "HTTP/1.1 404 Not Found";
    for page in [
        "/_/tags/rare/",
        "/_/owners/zed/",
        "/lonely/",
        "/lonely/only/",
    ] {
        assert_eq!(get(serving.port, page).0, ok, "{page} before the edits");
    }
    let sitemap = get(serving.port, "/sitemap.xml").1;
    assert!(
        sitemap.contains("https://kb.example/_/tags/rare/"),
        "{sitemap}"
    );
    let mut events = events(serving.port);

    // The only card with the tag `rare` loses it: the tag's page goes.
    fs::write(&only, card("common", "zed")).unwrap();
    wait_for(&mut events, "event: reload");
    assert_eq!(get(serving.port, "/_/tags/rare/").0, gone);
    assert_eq!(get(serving.port, "/_/tags/common/").0, ok);
    assert!(
        !get(serving.port, "/sitemap.xml")
            .1
            .contains("/_/tags/rare/")
    );
    assert!(
        !serving.site.join("_/tags/rare").exists(),
        "the folder goes too"
    );

    // zed's last card goes to amy: zed's page goes.
    fs::write(&only, card("common", "amy")).unwrap();
    wait_for(&mut events, "event: reload");
    assert_eq!(get(serving.port, "/_/owners/zed/").0, gone);
    assert!(
        get(serving.port, "/_/owners/amy/")
            .1
            .contains(">Only</bdi></a>")
    );

    // The collection's last card becomes a draft: its page and the
    // collection's go, and the card linking to it says so.
    fs::write(
        &only,
        card("common", "amy").replace("tags:", "status: draft\ntags:"),
    )
    .unwrap();
    wait_for(&mut events, "event: reload");
    for page in ["/lonely/only/", "/lonely/", "/lonely/only.md"] {
        assert_eq!(get(serving.port, page).0, gone, "{page} after the draft");
    }
    let sitemap = get(serving.port, "/sitemap.xml").1;
    assert!(
        !sitemap.contains("/lonely/") && sitemap.contains("/guides/other/"),
        "{sitemap}"
    );
    let home = get(serving.port, "/").1;
    assert!(!home.contains("href=\"lonely/\""), "{home}");
}

/// A root with one card, `guides/a.md`, in a temp folder.
fn one_card_root() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    fs::create_dir_all(root.join("guides")).unwrap();
    fs::write(root.join("vouch.yaml"), "").unwrap();
    fs::write(
        root.join("guides/a.md"),
        "---\ntitle: A\nowners: [me]\nverified: 2026-11-20\n---\nA.\n",
    )
    .unwrap();
    (tmp, root)
}

#[test]
fn ctrl_c_removes_the_temporary_site() {
    let (_tmp, root) = one_card_root();
    let mut serving = start(&root);
    assert!(serving.site.join("index.html").is_file());
    let pid = serving.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = serving.child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(
        !serving.site.exists(),
        "{} is left behind",
        serving.site.display()
    );
    let name = serving.site.file_name().unwrap().to_string_lossy();
    let cache = serving.site.with_file_name(format!(".{name}.vouch-cache"));
    assert!(!cache.exists(), "{} is left behind", cache.display());
}

/// Sends `request` as is and returns the status line of the answer.
fn raw(port: u16, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    // Written beside the reading: the server may answer (and close) before
    // a huge request is all sent.
    let mut writer = stream.try_clone().unwrap();
    let request = request.to_vec();
    std::thread::spawn(move || {
        let _ = writer.write_all(&request);
    });
    let mut response = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buf[..n]);
    }
    let response = String::from_utf8_lossy(&response).into_owned();
    response.lines().next().unwrap_or_default().to_owned()
        + &response
            .lines()
            .find(|l| l.starts_with("Location:"))
            .map(|l| format!(" | {l}"))
            .unwrap_or_default()
}

fn open_fds(pid: u32) -> usize {
    fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

#[test]
fn the_server_answers_only_its_own_host_within_bounds() {
    let (_tmp, root) = one_card_root();
    let serving = start(&root);
    let port = serving.port;
    let ok = |host: &str| {
        raw(
            port,
            format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
        )
    };
    assert!(ok(&format!("127.0.0.1:{port}")).starts_with("HTTP/1.1 200"));
    assert!(ok(&format!("localhost:{port}")).starts_with("HTTP/1.1 200"));
    // DNS rebinding: a page of another site reaching the server by name.
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_owned(),
        format!("127.0.0.1:{}", port + 1),
    ] {
        assert!(ok(&host).starts_with("HTTP/1.1 421"), "{host}");
    }
    assert!(raw(port, b"GET / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 421"));
    // No open redirect: `//host` is a path here, never another site.
    let redirect = raw(
        port,
        format!("GET //guides HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes(),
    );
    assert_eq!(
        redirect,
        "HTTP/1.1 301 Moved Permanently | Location: /guides/"
    );
    // A huge request line is refused, not kept.
    let mut huge = b"GET /".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 4 << 20));
    assert!(raw(port, &huge).starts_with("HTTP/1.1 431"));
    let mut many = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n").into_bytes();
    for i in 0..2000 {
        many.extend(format!("X-Header-{i}: yes\r\n").bytes());
    }
    assert!(raw(port, &many).starts_with("HTTP/1.1 431"));
    assert!(
        ok(&format!("127.0.0.1:{port}")).starts_with("HTTP/1.1 200"),
        "still serving"
    );

    // Idle connections hold at most 64 handlers; the next gets a 503 at once.
    let idle: Vec<TcpStream> = (0..64)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    // The server takes the idle connections as fast as the machine lets it.
    let until = |status: &str| {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let got = ok(&format!("127.0.0.1:{port}"));
            if got.starts_with(status) || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    assert!(until("HTTP/1.1 503").starts_with("HTTP/1.1 503"));
    drop(idle);
    assert!(until("HTTP/1.1 200").starts_with("HTTP/1.1 200"));

    // Live-reload connections a page closed give their descriptors back at once.
    let pid = serving.child.id();
    let before = open_fds(pid);
    for _ in 0..200 {
        let stream = events(port);
        drop(stream);
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while open_fds(pid) > before + 5 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        open_fds(pid) <= before + 5,
        "{} descriptors, {before} before",
        open_fds(pid)
    );
}

/// What `serve` prints, line by line, read on a thread of its own.
fn printed(serving: &mut Serving) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = serving.stdout.take().expect("read once");
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// The lines printed up to and including the next one starting `prefix`.
fn lines_until(rx: &std::sync::mpsc::Receiver<String>, prefix: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut lines = Vec::new();
    while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        let done = line.starts_with(prefix);
        lines.push(line);
        if done {
            return lines;
        }
    }
    panic!("no line starting {prefix:?} in {lines:#?}");
}

#[test]
fn a_save_prints_only_the_diagnostics_that_are_new() {
    let (_tmp, root) = one_card_root();
    fs::write(
        root.join("guides/old.md"),
        "---\ntitle: Old\nowners: [me]\nverified: 2025-01-01\n---\nOld.\n",
    )
    .unwrap();
    let mut serving = start(&root);
    let rx = printed(&mut serving);
    let first = lines_until(&rx, "2 cards:");
    assert!(
        first.iter().any(|l| l.starts_with("error[stale]")),
        "{first:#?}"
    );

    // An edit that adds no problem: the stale card is not reported again.
    fs::write(
        root.join("guides/a.md"),
        "---\ntitle: A\nowners: [me]\nverified: 2026-11-20\n---\nA, edited.\n",
    )
    .unwrap();
    let lines = lines_until(&rx, "updated in");
    assert!(!lines.iter().any(|l| l.contains("error[")), "{lines:#?}");
    assert!(
        lines.last().unwrap().contains("; 1 errors, 0 warnings)"),
        "{lines:#?}"
    );

    // An edit that adds one: it is printed, and the summary says so.
    fs::write(
        root.join("guides/a.md"),
        "---\ntitle: A\nowners: [me]\nverified: 2026-11-20\n---\nSee [gone](gone.md).\n",
    )
    .unwrap();
    let lines = lines_until(&rx, "updated in");
    assert!(
        lines.iter().any(|l| l.starts_with("error[broken-link]")),
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.starts_with("error[stale]")),
        "{lines:#?}"
    );
    assert!(
        lines
            .last()
            .unwrap()
            .contains("2 errors, 0 warnings; 1 new above"),
        "{lines:#?}"
    );
}

#[test]
fn a_busy_port_names_the_way_out() {
    let (tmp, root) = one_card_root();
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .arg("serve")
        .arg(&root)
        .args(["--port", &port, "--today", "2026-11-25"])
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot listen on") && stderr.contains("--port 0"),
        "{stderr}"
    );
    // The private folder it made is gone.
    let left: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("vouch-serve-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
