//! `vouch serve`'s machinery: a small HTTP server on loopback that serves the
//! built site, injects a live-reload script into its pages, and pushes
//! server-sent events (written and flushed one by one) when the site was
//! rebuilt; and the filter that decides which file changes matter.
//!
//! Written on `std::net` rather than tiny_http because server-sent events need
//! a connection that stays open and is flushed after each event.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::urlpath::{percent_decode, percent_encode};

const RELOAD_JS: &str = include_str!("../templates/site/reload.js");
const INJECT: &str = "<script src=\"/__vouch/reload.js\"></script>";

/// Sent with every answer: the browser takes each file for the type it is
/// sent as (never sniffs a script out of an image), and a page runs only the
/// site's own scripts, from files (the site has no inline script), and is
/// never framed. The same policy a host should send (see the serve card).
pub const SAFETY_HEADERS: &str = "X-Content-Type-Options: nosniff\r\n\
Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'\r\n\
Referrer-Policy: no-referrer\r\n";

/// At most this many requests are handled at once; more get a 503.
const MAX_CONNECTIONS: usize = 64;
/// At most this many pages listen for reloads at once.
const MAX_LISTENERS: usize = 64;
/// A request line and its headers together fit in this many bytes.
const MAX_HEAD: u64 = 16 * 1024;

/// A request line and its headers arrive within this time, all together.
const HEAD_TIME: Duration = Duration::from_secs(5);

/// Reads from a connection until a moment, however the bytes trickle in.
struct Deadline<'s> {
    stream: &'s TcpStream,
    until: std::time::Instant,
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self
            .until
            .saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut stream = self.stream;
        stream.read(buf)
    }
}

/// What the server knows of the latest build.
#[derive(Default)]
struct Shared {
    /// Open event streams, by a number of their own.
    clients: Vec<(u64, TcpStream)>,
    /// The last build's error, shown to pages that connect meanwhile.
    error: Option<String>,
}

#[derive(Clone)]
pub struct Server {
    site: PathBuf,
    shared: Arc<Mutex<Shared>>,
    /// Requests being handled now.
    busy: Arc<AtomicUsize>,
    next_client: Arc<AtomicU64>,
    pub addr: SocketAddr,
}

impl Server {
    /// Binds `addr` (vouch binds 127.0.0.1 unless told otherwise) and serves
    /// `site` from background threads.
    pub fn start(addr: SocketAddr, site: PathBuf) -> std::io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let server = Server {
            site,
            shared: Arc::default(),
            busy: Arc::default(),
            next_client: Arc::default(),
            addr: listener.local_addr()?,
        };
        let accepting = server.clone();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                if accepting.busy.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                    accepting.busy.fetch_sub(1, Ordering::SeqCst);
                    let _ = respond(
                        &mut stream,
                        "503 Service Unavailable",
                        "text/plain",
                        b"busy\n",
                        false,
                    );
                    continue;
                }
                let server = accepting.clone();
                std::thread::spawn(move || {
                    server.handle(stream);
                    server.busy.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Ok(server)
    }

    /// Tells every open page to reload (`None`) or shows them a build error.
    pub fn notify(&self, error: Option<String>) {
        let (event, data) = match &error {
            None => ("reload", "built".to_owned()),
            Some(message) => ("build-error", message.clone()),
        };
        let mut frame = format!("event: {event}\n");
        for line in data.lines() {
            frame.push_str(&format!("data: {line}\n"));
        }
        frame.push('\n');
        let Ok(mut shared) = self.shared.lock() else {
            return;
        };
        shared.error = error;
        shared.clients.retain_mut(|(_, client)| {
            client
                .write_all(frame.as_bytes())
                .and_then(|()| client.flush())
                .is_ok()
        });
    }

    /// The `Host` values this server answers: its own address, by number or
    /// as `localhost`. Anything else is a page of another site reaching it
    /// through DNS rebinding.
    fn own_host(&self, host: &str) -> bool {
        let port = self.addr.port();
        let host = host.trim().to_ascii_lowercase();
        [
            format!("{}:{port}", self.addr.ip()),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ]
        .contains(&host)
    }

    fn handle(&self, stream: TcpStream) {
        // The request line and headers, bounded in size (a 256 MB line is
        // refused, not kept) and in time: a client sending a byte now and
        // then cannot hold a connection slot past the deadline.
        let deadline = Deadline {
            stream: &stream,
            until: std::time::Instant::now() + HEAD_TIME,
        };
        let mut reader = BufReader::new(deadline.take(MAX_HEAD));
        let mut request = String::new();
        if reader.read_line(&mut request).is_err() || !request.ends_with('\n') {
            drop(reader);
            too_large(&stream);
            return;
        }
        let mut host = None;
        loop {
            let mut header = String::new();
            match reader.read_line(&mut header) {
                Ok(n) if n > 2 && header.ends_with('\n') => {
                    if let Some((name, value)) = header.split_once(':')
                        && name.eq_ignore_ascii_case("host")
                    {
                        host = Some(value.trim().to_owned());
                    }
                }
                Ok(n) if n <= 2 && header.trim().is_empty() => break,
                _ => {
                    drop(reader);
                    too_large(&stream);
                    return;
                }
            }
        }
        let mut parts = request.split_whitespace();
        let method = parts.next().unwrap_or("");
        let target = parts.next().unwrap_or("/");
        let path = target.split(['?', '#']).next().unwrap_or("/");
        let mut stream = stream;
        if !host.as_deref().is_some_and(|h| self.own_host(h)) {
            let _ = respond(
                &mut stream,
                "421 Misdirected Request",
                "text/plain",
                b"this server answers only its own address\n",
                false,
            );
            return;
        }
        if method != "GET" && method != "HEAD" {
            let _ = respond(
                &mut stream,
                "405 Method Not Allowed",
                "text/plain",
                b"GET only\n",
                method == "HEAD",
            );
            return;
        }
        match path {
            "/__vouch/events" => self.subscribe(stream),
            "/__vouch/reload.js" => {
                let _ = respond(
                    &mut stream,
                    "200 OK",
                    "text/javascript",
                    RELOAD_JS.as_bytes(),
                    method == "HEAD",
                );
            }
            _ => self.serve_file(&mut stream, path, method == "HEAD"),
        }
    }

    fn subscribe(&self, mut stream: TcpStream) {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
        if stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.flush())
            .is_err()
        {
            return;
        }
        let id = self.next_client.fetch_add(1, Ordering::SeqCst);
        let Ok(watch) = stream.try_clone() else {
            return;
        };
        if let Ok(mut shared) = self.shared.lock() {
            if shared.clients.len() >= MAX_LISTENERS {
                // The oldest listener makes room: it reconnects if still open.
                let (_, oldest) = shared.clients.remove(0);
                let _ = oldest.shutdown(std::net::Shutdown::Both);
            }
            if let Some(error) = shared.error.clone() {
                let frame: String = error.lines().map(|l| format!("data: {l}\n")).collect();
                let _ = write!(stream, "event: build-error\n{frame}\n");
                let _ = stream.flush();
            }
            shared.clients.push((id, stream));
        }
        // The page closing its connection is noticed at once, not at the next
        // rebuild: its descriptor is released as soon as it goes.
        let shared = Arc::clone(&self.shared);
        std::thread::spawn(move || {
            let _ = watch.set_read_timeout(None);
            let mut buf = [0u8; 64];
            let mut watch = watch;
            while let Ok(n) = watch.read(&mut buf) {
                if n == 0 {
                    break;
                }
            }
            if let Ok(mut shared) = shared.lock() {
                shared.clients.retain(|(client, _)| *client != id);
            }
        });
    }

    /// How many pages listen for reloads now.
    pub fn listeners(&self) -> usize {
        self.shared.lock().map_or(0, |s| s.clients.len())
    }

    fn serve_file(&self, stream: &mut TcpStream, path: &str, head_only: bool) {
        let Some(rel) = safe_relative(&percent_decode(path)) else {
            let _ = respond(
                stream,
                "400 Bad Request",
                "text/plain",
                b"bad path\n",
                head_only,
            );
            return;
        };
        let mut file = self.site.join(&rel);
        if file.is_dir() {
            if !path.ends_with('/') {
                // Built from the checked path, so `//evil.example` can
                // never become a redirect to another site.
                // Each part percent-encoded: a folder named with CR LF (or
                // any byte a header cannot hold) stays inside the header.
                let mut location = String::from("/");
                for part in rel.components() {
                    location.push_str(&percent_encode(&part.as_os_str().to_string_lossy()));
                    location.push('/');
                }
                let _ = write!(
                    stream,
                    "HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\n{SAFETY_HEADERS}Connection: close\r\n\r\n"
                );
                return;
            }
            file = file.join("index.html");
        }
        let (status, file) = if file.is_file() {
            ("200 OK", file)
        } else {
            ("404 Not Found", self.site.join("404.html"))
        };
        let body = std::fs::read(&file).unwrap_or_default();
        let kind = content_type(&file);
        if kind.starts_with("text/html") {
            let html = String::from_utf8_lossy(&body);
            let injected = match html.rfind("</body>") {
                Some(i) => format!("{}{INJECT}\n{}", &html[..i], &html[i..]),
                None => format!("{html}{INJECT}"),
            };
            let _ = respond(stream, status, kind, injected.as_bytes(), head_only);
        } else {
            let _ = respond(stream, status, kind, &body, head_only);
        }
    }
}

/// Answers a request too large to read with 431, then reads and drops what
/// the client still sends (a little while, a bounded amount) before closing,
/// so that the answer is not lost to a connection reset.
fn too_large(stream: &TcpStream) {
    let mut writer = stream;
    let _ = respond(
        &mut writer,
        "431 Request Header Fields Too Large",
        "text/plain",
        b"request too large\n",
        false,
    );
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut rest = stream.take(64 << 20);
    let _ = std::io::copy(&mut rest, &mut std::io::sink());
}

fn respond(
    stream: &mut dyn Write,
    status: &str,
    kind: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n{SAFETY_HEADERS}Connection: close\r\n\r\n",
        body.len()
    )?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("md" | "txt") => "text/plain; charset=utf-8",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// A URL path as a relative path that cannot leave the site folder.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let rel = Path::new(path.trim_start_matches('/'));
    rel.components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        .then(|| rel.to_path_buf())
}

/// Whether a changed path can change the site: not inside `.git` or the output
/// folder, and not an editor's temporary file.
pub fn matters(path: &Path, output: &Path) -> bool {
    if path.starts_with(output) {
        return false;
    }
    if path.components().any(|c| c.as_os_str() == ".git") {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temporary = name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".vouch-tmp")
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913";
    !temporary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_and_git_do_not_matter() {
        let out = Path::new("/site");
        assert!(matters(Path::new("/kb/support/a.md"), out));
        assert!(matters(Path::new("/kb/owners.yaml"), out));
        for ignored in [
            "/kb/.git/index",
            "/kb/a.md~",
            "/kb/.a.md.swp",
            "/kb/.#a.md",
            "/kb/#a.md#",
            "/kb/4913",
            "/site/index.html",
        ] {
            assert!(!matters(Path::new(ignored), out), "{ignored}");
        }
    }

    #[test]
    fn url_paths_cannot_climb() {
        assert_eq!(safe_relative("/a/b/"), Some(PathBuf::from("a/b/")));
        assert_eq!(safe_relative("/../etc/passwd"), None);
        assert_eq!(safe_relative(&percent_decode("/%2e%2e/x")), None);
    }
}
