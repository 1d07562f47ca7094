//! Helpers shared by the tests: finding Chromium, dumping a page's DOM after
//! its scripts ran, a small static file server on loopback (the search client
//! fetches its index, which browsers refuse from `file://`), running vouch and
//! git isolated from the machine's settings, and checking how a run ended.

#![allow(dead_code)]

pub mod crawl;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's chromium, or `VOUCH_CHROMIUM`. `None` skips a browser test
/// locally; under CI (`CI` set) a missing browser fails it.
pub fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("VOUCH_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|p| p.is_file())
            })
        });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (apt-get install -y chromium)"
        );
        eprintln!("skipped: no chromium on PATH (apt-get install chromium, or set VOUCH_CHROMIUM)");
    }
    found
}

/// The DOM of `url` after its scripts ran.
pub fn rendered_dom(browser: &Path, url: &str, profile: &Path) -> String {
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=8000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("the DOM is UTF-8")
}

/// Serves `dir` at `http://127.0.0.1:PORT{mount}` from a background thread for
/// the rest of the test process; returns the base URL. Only GET of files inside
/// `dir`; anything else is a 404.
pub fn serve(dir: &Path, mount: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().unwrap().port();
    let dir = dir.to_path_buf();
    let mount = mount.to_owned();
    let base = format!("http://127.0.0.1:{port}{mount}");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            let mount = mount.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                loop {
                    let mut header = String::new();
                    match reader.read_line(&mut header) {
                        Ok(n) if n > 2 => continue,
                        _ => break,
                    }
                }
                let target = request.split_whitespace().nth(1).unwrap_or("/");
                let path = target.split(['?', '#']).next().unwrap_or("/");
                let file = path
                    .strip_prefix(&mount)
                    .map(percent_decode)
                    .filter(|rel| !rel.split('/').any(|s| s == ".."))
                    .map(|rel| {
                        let p = dir.join(&rel);
                        if rel.is_empty() || rel.ends_with('/') {
                            p.join("index.html")
                        } else {
                            p
                        }
                    });
                let mut stream = &stream;
                match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
                    Some((f, body)) => {
                        let kind = match f.extension().and_then(|e| e.to_str()) {
                            Some("html") => "text/html; charset=utf-8",
                            Some("js") => "text/javascript",
                            Some("css") => "text/css",
                            Some("json") => "application/json",
                            Some("svg") => "image/svg+xml",
                            _ => "application/octet-stream",
                        };
                        let _ = write!(
                            stream,
                            "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(&body);
                    }
                    None => {
                        let _ = write!(
                            stream,
                            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        );
                    }
                }
            });
        }
    });
    base
}

/// Decodes `%XX` escapes in a URL path.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The text inside `<tag id="id">…</tag>` of a dumped DOM, unescaped.
pub fn element_text(dom: &str, tag: &str, id: &str) -> Option<String> {
    let open = format!("<{tag} id=\"{id}\"");
    let start = dom.find(&open)?;
    let body = dom[start..].find('>')? + start + 1;
    let end = dom[body..].find(&format!("</{tag}>"))? + body;
    Some(
        dom[body..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&nbsp;", "\u{a0}")
            .replace("&amp;", "&"),
    )
}

/// Runs `vouch` in `dir`, with git's global and system configuration shut
/// out (the tests set the git user themselves) and no GITHUB_ACTIONS.
pub fn vouch_isolated(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("vouch runs")
}

/// Runs git in `dir` with the same isolation; fails the test if git fails.
pub fn git_isolated(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

/// Waits for `child` at most `seconds`, killing it and failing the test if
/// it runs longer (a read of a FIFO blocks forever); returns its output.
pub fn wait_bounded(mut child: std::process::Child, seconds: u64) -> std::process::Output {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("vouch blocked for more than {seconds} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Asserts that `output` ended with exit status `code`, showing what it
/// printed when it did not.
pub fn assert_exit(output: &std::process::Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The npm modules the driver needs, when installed.
pub fn modules() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/npm/node_modules");
    let ok = dir.join("puppeteer-core/package.json").is_file()
        && dir.join("axe-core/axe.min.js").is_file();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install puppeteer-core and axe-core into target/npm"
        );
        eprintln!("skipped: npm install --prefix target/npm puppeteer-core axe-core");
    }
    ok.then_some(dir)
}

/// Runs the visits in one browser through `tests/browser/drive.cjs` (the
/// DevTools protocol) and returns one result per visit; `None` skips the test
/// where Chromium or the npm modules are missing (never under CI).
pub fn drive(visits: Vec<serde_json::Value>) -> Option<Vec<serde_json::Value>> {
    let browser = chromium()?;
    let modules = modules()?;
    let job = serde_json::json!({ "chromium": browser, "visits": visits });
    let mut child = Command::new("node")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/drive.cjs"))
        .arg(&modules)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(job.to_string().as_bytes())
        .unwrap();
    let out = wait_bounded(child, 240);
    assert!(
        out.status.success(),
        "driver failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("the driver's JSON"))
}
