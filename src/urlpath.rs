//! Link destinations as text: where a relative path leads from the file that
//! holds it, percent-decoding, and which URL schemes a reader may follow.
//! Nothing here looks at the file system or the knowledge root's cards;
//! `resolve` does that with these answers.

/// A relative link resolved against the card that holds it.
#[derive(Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// Not checked: a URL with a scheme, a protocol-relative or site-absolute path.
    External,
    /// A heading of the same card.
    SelfAnchor(&'a str),
    /// A path under the root, with an optional fragment.
    Path {
        rel: String,
        fragment: Option<&'a str>,
    },
    /// A path that climbs out of the root.
    OutsideRoot,
}

/// Resolves `dest` as written in the card at `from_rel`; with
/// `site_absolute`, a link starting with one `/` is resolved from the root.
pub fn resolve_in_site<'d>(dest: &'d str, from_rel: &str, site_absolute: bool) -> Target<'d> {
    let dest = dest.trim();
    match dest.strip_prefix('/') {
        // The site's root itself (`/`, `/#heading`): the path "".
        Some(path) if site_absolute && (path.is_empty() || path.starts_with(['#', '?'])) => {
            Target::Path {
                rel: String::new(),
                fragment: path.split_once('#').map(|(_, f)| f),
            }
        }
        // A browser clamps `..` at the site's root (`/a/../../b` is `/b`).
        Some(path) if site_absolute && !path.starts_with('/') => walk(path, "", true),
        _ => walk(dest, from_rel, site_absolute),
    }
}

/// Resolves `dest` as written in the card at `from_rel` (a path under the root).
pub fn resolve<'d>(dest: &'d str, from_rel: &str) -> Target<'d> {
    walk(dest, from_rel, false)
}

/// [`resolve`]; with `clamp`, `..` at the root stays there, as a browser
/// reads a page's address, instead of leaving the root.
fn walk<'d>(dest: &'d str, from_rel: &str, clamp: bool) -> Target<'d> {
    let dest = dest.trim();
    if dest.is_empty() || has_scheme(dest) || dest.starts_with('/') || dest.starts_with('\\') {
        return Target::External;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    if path.is_empty() {
        return match fragment {
            Some(f) => Target::SelfAnchor(f),
            None => Target::External,
        };
    }
    let decoded = percent_decode(path);
    let mut parts: Vec<&str> = from_rel.split('/').collect();
    parts.pop();
    for segment in decoded.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() && !clamp {
                    return Target::OutsideRoot;
                }
            }
            s => parts.push(s),
        }
    }
    Target::Path {
        rel: parts.join("/"),
        fragment,
    }
}

fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Encodes `s` for a query value or a `mailto:` field: every byte but
/// RFC 3986's unreserved characters becomes `%XX`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes; invalid ones stay as written.
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Site-absolute and relative URLs, and the schemes a reader can follow
/// safely: http, https, mailto, and tel (a support number). Any other
/// scheme (`javascript:`, `data:`, `file:`, `ftp:`) is written as `#`.
pub fn is_safe_url(dest: &str) -> bool {
    let lower = dest.trim().to_ascii_lowercase();
    let Some(colon) = lower.find(':') else {
        return true;
    };
    if lower[..colon].contains(['/', '?', '#']) {
        return true; // the colon is in the path, not a scheme
    }
    matches!(&lower[..colon], "http" | "https" | "mailto" | "tel")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_relative_to_the_card() {
        assert_eq!(
            resolve("../product/export.md#limits", "support/refunds.md"),
            Target::Path {
                rel: "product/export.md".into(),
                fragment: Some("limits")
            }
        );
        assert_eq!(resolve("#top", "a.md"), Target::SelfAnchor("top"));
        assert_eq!(
            resolve("../../etc/passwd", "support/a.md"),
            Target::OutsideRoot
        );
        assert_eq!(resolve("https://x.example/a.md", "a.md"), Target::External);
        assert_eq!(resolve("mailto:a@b", "a.md"), Target::External);
        assert_eq!(resolve("/abs.html", "a.md"), Target::External);
        assert_eq!(
            resolve("my%20card.md", "x/a.md"),
            Target::Path {
                rel: "x/my card.md".into(),
                fragment: None
            }
        );
    }

    #[test]
    fn only_safe_schemes_survive() {
        for ok in [
            "https://x.example",
            "mailto:a@b",
            "page.md",
            "/abs",
            "#x",
            "a/b:c",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
            "ftp://files.example/x",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
    }
}
