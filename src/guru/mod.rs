//! Moving knowledge in from Guru and back out: `vouch import guru` reads a
//! collection bundle into a collection of cards, `vouch export guru` writes
//! the published cards as a bundle Guru's manual sync accepts.

pub mod bundle;
pub mod export;
pub mod import;

/// The link from the file `from` to the file `to` (both `/`-separated paths
/// under the same root), relative, with the characters that would end a
/// Markdown link destination escaped.
pub fn relative_link(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> =
        from.split('/').collect::<Vec<_>>()[..from.split('/').count() - 1].to_vec();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len() - 1);
    let mut link = "../".repeat(from_dirs.len() - common);
    link.push_str(&to_parts[common..].join("/"));
    let mut escaped = String::with_capacity(link.len());
    for c in link.chars() {
        match c {
            ' ' => escaped.push_str("%20"),
            '(' => escaped.push_str("%28"),
            ')' => escaped.push_str("%29"),
            '<' => escaped.push_str("%3C"),
            '>' => escaped.push_str("%3E"),
            '#' => escaped.push_str("%23"),
            '?' => escaped.push_str("%3F"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_between_folders() {
        assert_eq!(relative_link("kb/a.md", "kb/b.md"), "b.md");
        assert_eq!(relative_link("kb/x/a.md", "kb/y/b.md"), "../y/b.md");
        assert_eq!(relative_link("kb/a.md", "kb/x/y/b.md"), "x/y/b.md");
        assert_eq!(
            relative_link("kb/x/y/a.md", "kb/b c.png"),
            "../../b%20c.png"
        );
    }
}
