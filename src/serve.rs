//! `vouch serve`'s machinery: a small HTTP server on loopback that serves the
//! built site, injects a live-reload script into its pages, and pushes
//! server-sent events (written and flushed one by one) when the site was
//! rebuilt; and the filter that decides which file changes matter.
//!
//! Written on `std::net` rather than tiny_http because server-sent events need
//! a connection that stays open and is flushed after each event.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::urlpath::percent_decode;

const RELOAD_JS: &str = include_str!("../templates/site/reload.js");
const INJECT: &str = "<script src=\"/__vouch/reload.js\"></script>";

/// What the server knows of the latest build.
#[derive(Default)]
struct Shared {
    /// Open event streams.
    clients: Vec<TcpStream>,
    /// The last build's error, shown to pages that connect meanwhile.
    error: Option<String>,
}

#[derive(Clone)]
pub struct Server {
    site: PathBuf,
    shared: Arc<Mutex<Shared>>,
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
            addr: listener.local_addr()?,
        };
        let accepting = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let server = accepting.clone();
                std::thread::spawn(move || server.handle(stream));
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
        shared.clients.retain_mut(|client| {
            client
                .write_all(frame.as_bytes())
                .and_then(|()| client.flush())
                .is_ok()
        });
    }

    fn handle(&self, stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
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
        let mut parts = request.split_whitespace();
        let method = parts.next().unwrap_or("");
        let target = parts.next().unwrap_or("/");
        let path = target.split(['?', '#']).next().unwrap_or("/");
        let mut stream = stream;
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
        if let Ok(mut shared) = self.shared.lock() {
            if let Some(error) = shared.error.clone() {
                let frame: String = error.lines().map(|l| format!("data: {l}\n")).collect();
                let _ = write!(stream, "event: build-error\n{frame}\n");
                let _ = stream.flush();
            }
            shared.clients.push(stream);
        }
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
                let location = format!("{path}/");
                let _ = write!(
                    stream,
                    "HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
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

fn respond(
    stream: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
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
