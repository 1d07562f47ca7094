//! The asset policy: which files a card links to are published beside the
//! pages. A published file is served from the site's own origin, so one a
//! browser would run (HTML, XHTML, SVG, XML, scripts, style sheets) could
//! run script as the site: only inert kinds are published — raster images,
//! PDF, plain text and data, archives, office documents, audio and video —
//! and only when the file's first bytes are what its name says (a `.png`
//! that holds HTML is refused), so a host that sniffs content cannot be
//! talked into running it either.

use std::io::Read;
use std::path::Path;

/// How many bytes of a file are looked at: enough for every signature
/// below (tar's is at 257).
const HEAD: usize = 512;

/// What a published file's first bytes must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Starts with these bytes (any of them).
    Magic(&'static [&'static [u8]]),
    /// `ftyp` at byte 4 (MP4, MOV, AVIF, M4A).
    Ftyp,
    /// `RIFF` then, at byte 8, this form.
    Riff(&'static [u8]),
    /// ustar at byte 257.
    Tar,
    /// `%PDF-` within the first bytes (readers allow a little before it).
    Pdf,
    /// UTF-8 text that does not open with markup.
    Text,
}

/// Inert kinds by extension: what the file is called and what it must
/// start with.
const INERT: &[(&str, &str, Expect)] = &[
    ("png", "PNG image", Expect::Magic(&[b"\x89PNG\r\n\x1a\n"])),
    ("jpg", "JPEG image", Expect::Magic(&[b"\xff\xd8\xff"])),
    ("jpeg", "JPEG image", Expect::Magic(&[b"\xff\xd8\xff"])),
    ("gif", "GIF image", Expect::Magic(&[b"GIF87a", b"GIF89a"])),
    ("webp", "WebP image", Expect::Riff(b"WEBP")),
    ("avif", "AVIF image", Expect::Ftyp),
    ("bmp", "BMP image", Expect::Magic(&[b"BM"])),
    ("ico", "icon", Expect::Magic(&[b"\0\0\x01\0"])),
    ("pdf", "PDF document", Expect::Pdf),
    ("txt", "text file", Expect::Text),
    ("text", "text file", Expect::Text),
    ("log", "text file", Expect::Text),
    ("csv", "CSV file", Expect::Text),
    ("tsv", "TSV file", Expect::Text),
    ("json", "JSON file", Expect::Text),
    ("yaml", "YAML file", Expect::Text),
    ("yml", "YAML file", Expect::Text),
    (
        "zip",
        "zip archive",
        Expect::Magic(&[b"PK\x03\x04", b"PK\x05\x06"]),
    ),
    ("gz", "gzip archive", Expect::Magic(&[b"\x1f\x8b"])),
    ("tgz", "gzip archive", Expect::Magic(&[b"\x1f\x8b"])),
    ("bz2", "bzip2 archive", Expect::Magic(&[b"BZh"])),
    ("xz", "xz archive", Expect::Magic(&[b"\xfd7zXZ\0"])),
    (
        "7z",
        "7-Zip archive",
        Expect::Magic(&[b"7z\xbc\xaf\x27\x1c"]),
    ),
    ("tar", "tar archive", Expect::Tar),
    ("docx", "Word document", Expect::Magic(&[b"PK\x03\x04"])),
    ("xlsx", "Excel workbook", Expect::Magic(&[b"PK\x03\x04"])),
    ("pptx", "PowerPoint deck", Expect::Magic(&[b"PK\x03\x04"])),
    ("odt", "OpenDocument text", Expect::Magic(&[b"PK\x03\x04"])),
    ("ods", "OpenDocument sheet", Expect::Magic(&[b"PK\x03\x04"])),
    (
        "odp",
        "OpenDocument slides",
        Expect::Magic(&[b"PK\x03\x04"]),
    ),
    (
        "doc",
        "Word document",
        Expect::Magic(&[b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    ),
    (
        "xls",
        "Excel workbook",
        Expect::Magic(&[b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    ),
    (
        "ppt",
        "PowerPoint deck",
        Expect::Magic(&[b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    ),
    (
        "mp3",
        "MP3 audio",
        Expect::Magic(&[b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"]),
    ),
    ("wav", "WAV audio", Expect::Riff(b"WAVE")),
    ("ogg", "Ogg media", Expect::Magic(&[b"OggS"])),
    ("oga", "Ogg audio", Expect::Magic(&[b"OggS"])),
    ("ogv", "Ogg video", Expect::Magic(&[b"OggS"])),
    ("opus", "Opus audio", Expect::Magic(&[b"OggS"])),
    ("m4a", "MPEG-4 audio", Expect::Ftyp),
    ("mp4", "MPEG-4 video", Expect::Ftyp),
    ("mov", "QuickTime video", Expect::Ftyp),
    ("webm", "WebM video", Expect::Magic(&[b"\x1a\x45\xdf\xa3"])),
];

/// What the policy publishes, for messages and the docs.
pub const PUBLISHED_KINDS: &str = "raster images (PNG, JPEG, GIF, WebP, AVIF, BMP, ICO), PDF, plain text, CSV, JSON and YAML, archives, office documents, audio and video";

/// Why `path` (a regular file inside the root, linked as `rel`) may not be
/// published, or `None` when it may.
pub fn refusal(path: &Path, rel: &str) -> Option<String> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some(&(_, kind, expect)) = INERT.iter().find(|(e, _, _)| *e == ext) else {
        let what = match ext.as_str() {
            "" => "a file without an extension".to_owned(),
            "html" | "htm" | "xhtml" | "xht" | "shtml" | "mhtml" | "mht" => {
                format!("`.{ext}` is a web page, which would run its scripts as the site")
            }
            "svg" | "svgz" => {
                "`.svg` can hold script that runs as the site when the image is opened".to_owned()
            }
            "xml" | "xsl" | "xslt" | "rss" | "atom" => {
                format!("`.{ext}` can be rendered as a page, with script, by a browser")
            }
            "js" | "mjs" | "css" | "wasm" => {
                format!("`.{ext}` would run in, or restyle, the site's pages")
            }
            _ => format!("`.{ext}` is not a kind vouch knows to be inert"),
        };
        return Some(what);
    };
    let mut head = Vec::with_capacity(HEAD);
    let read = std::fs::File::open(path).and_then(|f| f.take(HEAD as u64).read_to_end(&mut head));
    if let Err(e) = read {
        return Some(format!("it cannot be read: {e}"));
    }
    // Whatever its kind, nothing that opens like a page is published (a
    // PDF reader skips bytes before `%PDF-`; a browser sniffing it would not).
    if matches(expect, &head) && !looks_like_markup(&head) {
        None
    } else {
        let looks = if looks_like_markup(&head) {
            " (it begins like HTML or XML)"
        } else {
            ""
        };
        Some(format!(
            "it is named as a {kind} but its content is not one{looks}; a host that guesses types from content could run it as a page"
        ))
    }
}

fn matches(expect: Expect, head: &[u8]) -> bool {
    match expect {
        Expect::Magic(any) => any.iter().any(|m| head.starts_with(m)),
        Expect::Ftyp => head.get(4..8) == Some(b"ftyp"),
        Expect::Riff(form) => head.starts_with(b"RIFF") && head.get(8..12) == Some(form),
        Expect::Tar => head.get(257..262) == Some(b"ustar"),
        Expect::Pdf => memchr::memmem::find(head, b"%PDF-").is_some(),
        Expect::Text => {
            let valid = match std::str::from_utf8(head) {
                Ok(_) => true,
                // Cut inside a character at the end of the sample is fine.
                Err(e) => e.error_len().is_none(),
            };
            valid && !head.contains(&0) && !looks_like_markup(head)
        }
    }
}

/// Whether text opens (after a byte-order mark and blank space) with a tag,
/// a comment, a doctype or an XML declaration.
fn looks_like_markup(head: &[u8]) -> bool {
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = &text[start..];
    text.first() == Some(&b'<')
        && text
            .get(1)
            .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'!' | b'?' | b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(name: &str, bytes: &[u8]) -> Option<String> {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        refusal(&path, &format!("a/{name}"))
    }

    #[test]
    fn inert_files_whose_content_matches_their_name_are_published() {
        for (name, bytes) in [
            ("a.png", &b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..]),
            ("a.JPG", b"\xff\xd8\xff\xe0\0\x10JFIF"),
            ("a.gif", b"GIF89a\x01\0\x01\0"),
            ("a.webp", b"RIFF\x10\0\0\0WEBPVP8 "),
            ("a.pdf", b"%PDF-1.7\n%\xe2\xe3"),
            ("notes.txt", "Olá, שלום — plain text\n".as_bytes()),
            ("data.csv", b"a,b\n1,2\n"),
            ("a.json", b"{\"a\": 1}"),
            ("a.zip", b"PK\x03\x04\x14\0"),
            ("a.docx", b"PK\x03\x04\x14\0"),
            ("a.mp4", b"\0\0\0\x18ftypmp42"),
        ] {
            assert_eq!(verdict(name, bytes), None, "{name}");
        }
    }

    #[test]
    fn pages_scripts_svg_and_disguised_files_are_refused() {
        for (name, bytes, says) in [
            ("form.html", &b"<form>"[..], "web page"),
            (
                "x.xhtml",
                b"<html xmlns=\"http://www.w3.org/1999/xhtml\">",
                "web page",
            ),
            (
                "chart.svg",
                b"<svg onload=alert(1)>",
                "`.svg` can hold script",
            ),
            ("feed.xml", b"<?xml version=\"1.0\"?>", "rendered as a page"),
            ("a.js", b"alert(1)", "would run in"),
            ("README", b"hi", "without an extension"),
            ("a.png", b"<script>alert(1)</script>", "begins like HTML"),
            (
                "a.txt",
                b"\xef\xbb\xbf  <!doctype html><script>",
                "begins like HTML",
            ),
            ("a.pdf", b"<html>", "not one"),
            ("a.jpg", b"\x89PNG\r\n\x1a\n", "not one"),
            ("b.pdf", b"<script>%PDF-1.7", "begins like HTML"),
        ] {
            let why = verdict(name, bytes).unwrap_or_else(|| panic!("{name} published"));
            assert!(why.contains(says), "{name}: {why}");
        }
    }
}
