//! Text from cards and `owners.yaml` (titles, names, keys, paths) as each
//! report format's reader must receive it: as text, never as markup that
//! pings, links or ends the table it sits in.

/// For Slack's mrkdwn: `&`, `<` and `>` escaped as Slack documents, so a
/// title cannot write `<!channel>`, `<!here>`, `<@U123>` or a disguised
/// link `<https://evil|Verify here>`; line breaks and control characters
/// become spaces, bidi controls go.
pub fn slack(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c.is_control() => out.push(' '),
            c if crate::diagnostic::is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// For GitHub-flavoured Markdown (a table cell, link text, a heading): every
/// character Markdown gives a meaning is backslash-escaped (so `|` cannot
/// end a cell, `](` cannot end a link, `<script>` stays text), line breaks
/// and control characters become spaces, bidi controls go, and a word
/// joiner after `@` and `#` keeps `@org/team` from pinging a team and `#123`
/// from cross-referencing an issue, while the text reads the same.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            // `.` and `:` too: `www.x` and `https://x` would become links.
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | '.' | '!'
            | '|' | '~' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '@' | '#' => {
                out.push(c);
                out.push('\u{2060}');
            }
            c if c.is_control() => out.push(' '),
            c if crate::diagnostic::is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// A path or address as a Markdown link destination: as it is when nothing
/// in it could end the link, else in `<…>` with what could end that (`>`,
/// `<`, spaces, control characters) percent-encoded; `|` is encoded too,
/// since a table splits its cells before it reads links.
pub fn markdown_dest(dest: &str) -> String {
    let plain = !dest.is_empty()
        && !dest.chars().any(|c| {
            matches!(c, ' ' | '(' | ')' | '<' | '>' | '\\' | '|')
                || c.is_control()
                || crate::diagnostic::is_bidi_control(c)
        });
    if plain {
        return dest.to_owned();
    }
    let mut out = String::with_capacity(dest.len() + 2);
    out.push('<');
    for c in dest.chars() {
        match c {
            '<' | '>' | '\\' | ' ' | '|' => out.push_str(&format!("%{:02X}", c as u32)),
            c if c.is_control() || crate::diagnostic::is_bidi_control(c) => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('>');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_text_cannot_ping_or_link() {
        assert_eq!(
            slack("<!channel> <https://evil|Verify here> & co\nx"),
            "&lt;!channel&gt; &lt;https://evil|Verify here&gt; &amp; co x"
        );
    }

    #[test]
    fn markdown_text_stays_text() {
        let cell = markdown("a | b](http://x) @acme/team #12 <b>\u{202e}");
        assert!(!cell.contains(" | ") && !cell.contains("](") && !cell.contains("<b>"));
        assert!(!cell.contains("@acme") && !cell.contains("#12"));
        assert!(!cell.contains('\u{202e}'));
        assert_eq!(markdown_dest("a b/<x>.md"), "<a%20b/%3Cx%3E.md>");
        assert_eq!(markdown_dest("support/a.md"), "support/a.md");
    }
}
