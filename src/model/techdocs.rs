//! A page body as tech-docs-gem (Middleman, ERB, Redcarpet) sees it: the
//! ERB of `*.erb` pages run as far as the gem's helpers clearly mean
//! (the page's own data, `warning_text`, `image_tag`, `partial`), any other
//! ERB dropped with a warning at its line, then the forms Redcarpet reads
//! and CommonMark does not (`##Heading`, `[text]` and `(url)` apart) made
//! CommonMark, each with a warning that shows the portable form. Checking,
//! rendering and search all read the result, so they agree; diagnostics
//! point at what the author wrote.

use std::ops::Range;

use crate::diagnostic::Code;
use crate::rewrite::{Builder, Rewritten};

/// A problem found while preparing a body, at a byte range of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: Code,
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
}

/// What ERB may read: the page's front matter and the repository's files.
pub struct Context<'a> {
    /// The page's path under the root, for partials relative to it.
    pub rel_path: &'a str,
    /// A front-matter value as text (`current_page.data.KEY`).
    pub data: &'a dyn Fn(&str) -> Option<String>,
    /// A file of the root by path, when it exists and may be read.
    pub read: &'a dyn Fn(&str) -> Option<String>,
}

/// Whether a page's file is run through ERB by Middleman.
pub fn runs_erb(rel_path: &str) -> bool {
    rel_path.ends_with(".erb") || rel_path.contains(".erb.")
}

/// The body `text[body]` as the gem reads it, or `None` when the gem
/// reads it as CommonMark does.
pub fn prepare(
    text: &str,
    body: Range<usize>,
    cx: &Context,
    problems: &mut Vec<Problem>,
) -> Option<Rewritten> {
    let erb = if runs_erb(cx.rel_path) && text[body.clone()].contains("<%") {
        let mut found = Vec::new();
        let r = run_erb(text, body.clone(), cx, 0, &mut found);
        problems.extend(found);
        r
    } else {
        Builder::new(text, body.clone()).finish()
    };
    let mut found = Vec::new();
    let markdown = redcarpet(&erb.text, &mut found);
    problems.extend(found.into_iter().map(|mut p| {
        p.span = erb.source_span(p.span);
        p
    }));
    let prepared = erb.then(markdown);
    (!prepared.is_identity()).then_some(prepared)
}

/// Partials nest at most this deep (a partial that includes itself stops here).
const MAX_PARTIAL_DEPTH: usize = 4;

/// One `<% … %>` tag.
struct Tag {
    /// From `<%` to `%>` (and the newline `-%>` eats).
    span: Range<usize>,
    /// `=` (output), `#` (comment) or ' ' (statement).
    kind: char,
    code: String,
}

fn tags(text: &str, range: Range<usize>) -> Vec<Result<Tag, Range<usize>>> {
    let mut out = Vec::new();
    let mut at = range.start;
    while let Some(open) = text[at..range.end].find("<%").map(|i| at + i) {
        let rest = &text[open + 2..range.end];
        if rest.starts_with('%') {
            // `<%%` writes a literal `<%`.
            out.push(Ok(Tag {
                span: open..open + 3,
                kind: '%',
                code: String::new(),
            }));
            at = open + 3;
            continue;
        }
        let Some(close) = rest.find("%>").map(|i| open + 2 + i) else {
            let line_end = text[open..range.end]
                .find('\n')
                .map_or(range.end, |i| open + i);
            out.push(Err(open..line_end));
            at = line_end;
            continue;
        };
        let mut inner = &text[open + 2..close];
        let kind = match inner.chars().next() {
            Some('=') => {
                inner = &inner[1..];
                '='
            }
            Some('#') => '#',
            Some('-') => {
                inner = &inner[1..];
                ' '
            }
            _ => ' ',
        };
        let trims = inner.ends_with('-');
        let inner = inner.strip_suffix('-').unwrap_or(inner);
        let mut end = close + 2;
        if trims && text[end..range.end].starts_with('\n') {
            end += 1;
        }
        out.push(Ok(Tag {
            span: open..end,
            kind,
            code: inner.trim().to_owned(),
        }));
        at = end;
    }
    out
}

fn run_erb(
    text: &str,
    range: Range<usize>,
    cx: &Context,
    depth: usize,
    problems: &mut Vec<Problem>,
) -> Rewritten {
    let mut b = Builder::new(text, range.clone());
    let found = tags(text, range.clone());
    let mut i = 0;
    while i < found.len() {
        let tag = match &found[i] {
            Ok(tag) => tag,
            Err(span) => {
                problems.push(Problem {
                    code: Code::UnsupportedErb,
                    span: span.clone(),
                    message: "this ERB tag is never closed with `%>`: the gem cannot build the page; vouch drops the rest of the line".to_owned(),
                    help: "close the tag with `%>`".to_owned(),
                });
                b.replace(span.clone(), "");
                i += 1;
                continue;
            }
        };
        i += 1;
        match tag.kind {
            '%' => b.replace(tag.span.clone(), "<%"),
            '#' => b.replace(tag.span.clone(), ""),
            '=' => {
                let written = output(tag, cx, depth, problems);
                b.replace(tag.span.clone(), &written);
            }
            _ if opens_block(&tag.code) => {
                // The block's text depends on code vouch does not run.
                let mut level = 1;
                let mut end = None;
                while i < found.len() {
                    if let Ok(t) = &found[i]
                        && t.kind == ' '
                    {
                        if opens_block(&t.code) {
                            level += 1;
                        } else if is_end(&t.code) {
                            level -= 1;
                        }
                    }
                    i += 1;
                    if level == 0 {
                        end = found[i - 1].as_ref().ok().map(|t| t.span.end);
                        break;
                    }
                }
                let end = end.unwrap_or(range.end);
                let (message, help) = if tag.code.starts_with("content_for") {
                    (
                        format!(
                            "`<% {} %>` fills a part of the gem's layout that vouch's site does not have: its content is not shown",
                            tag.code
                        ),
                        "move what readers need into the page's body".to_owned(),
                    )
                } else {
                    (
                        format!(
                            "`<% {} %>` runs Ruby that vouch does not run: the block it opens, up to its `end`, is left out of the page",
                            tag.code
                        ),
                        "write the text the block produces into the page".to_owned(),
                    )
                };
                problems.push(Problem {
                    code: Code::UnsupportedErb,
                    span: tag.span.clone(),
                    message,
                    help,
                });
                b.replace(tag.span.start..end, "");
            }
            _ => {
                problems.push(Problem {
                    code: Code::UnsupportedErb,
                    span: tag.span.clone(),
                    message: format!(
                        "`<% {} %>` runs Ruby that vouch does not run: it is left out of the page",
                        tag.code
                    ),
                    help: "write what it does into the page as text".to_owned(),
                });
                b.replace(tag.span.clone(), "");
            }
        }
    }
    b.finish()
}

fn opens_block(code: &str) -> bool {
    let code = code.trim();
    let first = code.split_whitespace().next().unwrap_or("");
    let ends_with_do = code.ends_with(" do")
        || code == "do"
        || code
            .rsplit_once(" do")
            .is_some_and(|(_, rest)| rest.trim().starts_with('|') && rest.trim().ends_with('|'));
    ends_with_do
        || matches!(
            first,
            "if" | "unless" | "while" | "until" | "case" | "begin" | "for"
        )
}

fn is_end(code: &str) -> bool {
    let code = code.trim();
    code == "end" || code.starts_with("end ") || code.starts_with("end.") || code == "end;"
}

/// What an output tag `<%= … %>` writes.
fn output(tag: &Tag, cx: &Context, depth: usize, problems: &mut Vec<Problem>) -> String {
    let code = tag.code.as_str();
    let mut drop = |message: String, help: &str| {
        problems.push(Problem {
            code: Code::UnsupportedErb,
            span: tag.span.clone(),
            message,
            help: help.to_owned(),
        });
        String::new()
    };
    if let Some(key) = page_data_key(code) {
        return match (cx.data)(&key) {
            Some(value) => escape_markdown(&value),
            None => drop(
                format!(
                    "`<%= {code} %>` names `{key}`, which this page's front matter does not set: it is left out"
                ),
                &format!("add `{key}:` to the front matter, or write the text in place of the tag"),
            ),
        };
    }
    let Some((name, args)) = call(code) else {
        return drop(
            format!(
                "`<%= {code} %>` runs Ruby that vouch does not run: it is left out of the page"
            ),
            "write the text it produces into the page",
        );
    };
    match name {
        "warning_text" => match args.first() {
            Some(Arg::Text(t)) => {
                format!("<div class=\"warning-text\"><strong>Warning:</strong> {t}</div>")
            }
            _ => drop(
                format!(
                    "`<%= {code} %>`: vouch shows `warning_text` only with a plain quoted text"
                ),
                "write the warning as one quoted string",
            ),
        },
        "image_tag" => match args.first() {
            Some(Arg::Text(path)) => {
                let src = if path.starts_with('/') || path.contains("://") {
                    path.clone()
                } else {
                    format!("/images/{path}")
                };
                let alt = args.iter().find_map(|a| match a {
                    Arg::Named(k, v) if k == "alt" => Some(v.as_str()),
                    _ => None,
                });
                format!(
                    "<img src=\"{}\" alt=\"{}\">",
                    attribute(&src),
                    attribute(alt.unwrap_or(""))
                )
            }
            _ => drop(
                format!("`<%= {code} %>`: vouch shows `image_tag` only with a plain quoted path"),
                "write the path as one quoted string, or use `![alt](/images/…)`",
            ),
        },
        "partial" => match args.first() {
            Some(Arg::Text(name)) => partial(name, tag, cx, depth, problems),
            _ => drop(
                format!(
                    "`<%= {code} %>`: vouch includes a partial only when its name is a plain quoted string"
                ),
                "name the partial as one quoted string",
            ),
        },
        _ => drop(
            format!(
                "`<%= {code} %>` calls `{name}`, a helper vouch does not run: it is left out of the page"
            ),
            "write the text it produces into the page",
        ),
    }
}

/// `current_page.data.KEY`, `current_page.data[:KEY]`, `…["KEY"]`.
fn page_data_key(code: &str) -> Option<String> {
    let rest = code.trim().strip_prefix("current_page.data")?;
    let key = if let Some(k) = rest.strip_prefix('.') {
        k
    } else {
        rest.strip_prefix('[')?
            .strip_suffix(']')?
            .trim()
            .trim_start_matches(':')
            .trim_matches(['"', '\''])
    };
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| key.to_owned())
}

#[derive(Debug, PartialEq)]
enum Arg {
    Text(String),
    Named(String, String),
    Other,
}

/// `name(args)` or `name args`, each argument a Ruby string literal or a
/// `key: "text"` / `:key => "text"` pair.
fn call(code: &str) -> Option<(&str, Vec<Arg>)> {
    let code = code.trim();
    let name_end = code
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(code.len());
    let name = &code[..name_end];
    if name.is_empty() {
        return None;
    }
    let rest = code[name_end..].trim();
    let inner = match rest.strip_prefix('(') {
        Some(r) => r.strip_suffix(')')?,
        None if rest.is_empty() || code[name_end..].starts_with(char::is_whitespace) => rest,
        None => return None,
    };
    let mut args = Vec::new();
    let mut s = inner.trim();
    while !s.is_empty() {
        let (arg, after) = if let Some((text, after)) = ruby_string(s) {
            (Arg::Text(text), after)
        } else {
            let key_end = s
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(s.len());
            let key = s[..key_end].trim_matches(':').to_owned();
            let after_key = s[key_end..].trim_start();
            let after_key = after_key
                .strip_prefix("=>")
                .map(str::trim_start)
                .unwrap_or(after_key);
            match ruby_string(after_key) {
                Some((v, after)) if !key.is_empty() && s[..key_end].contains(':') => {
                    (Arg::Named(key, v), after)
                }
                _ => {
                    // Anything else: skip to the next comma.
                    let next = s.find(',').map_or("", |i| &s[i..]);
                    (Arg::Other, next)
                }
            }
        };
        args.push(arg);
        s = after.trim_start();
        match s.strip_prefix(',') {
            Some(r) => s = r.trim_start(),
            None if s.is_empty() => {}
            None => return None,
        }
    }
    Some((name, args))
}

/// A Ruby string literal at the start of `s`, and what follows it; `None`
/// for interpolation (`#{…}`), which needs Ruby.
fn ruby_string(s: &str) -> Option<(String, &str)> {
    let quote = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let mut out = String::new();
    let mut chars = s[1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, e)) if e == quote || e == '\\' => out.push(e),
                Some((_, 'n')) if quote == '"' => out.push('\n'),
                Some((_, e)) => {
                    out.push('\\');
                    out.push(e);
                }
                None => return None,
            },
            '#' if quote == '"' && s[1 + i..].starts_with("#{") => return None,
            c if c == quote => return Some((out, &s[1 + i + 1..])),
            c => out.push(c),
        }
    }
    None
}

fn partial(
    name: &str,
    tag: &Tag,
    cx: &Context,
    depth: usize,
    problems: &mut Vec<Problem>,
) -> String {
    let candidates = partial_candidates(cx.rel_path, name);
    let found = candidates
        .iter()
        .find_map(|rel| (cx.read)(rel).map(|text| (rel, text)));
    let Some((rel, text)) = found else {
        problems.push(Problem {
            code: Code::BrokenLink,
            span: tag.span.clone(),
            message: format!(
                "partial `{name}` does not exist (looked for {})",
                candidates
                    .iter()
                    .filter(|c| !c.contains('.'))
                    .map(|c| format!("{c}.*"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            help: "check the partial's name: Middleman looks for `_NAME` with a template extension, beside the page or from the `source/` folder".to_owned(),
        });
        return String::new();
    };
    if depth >= MAX_PARTIAL_DEPTH {
        problems.push(Problem {
            code: Code::UnsupportedErb,
            span: tag.span.clone(),
            message: format!("partial `{rel}` nests more than {MAX_PARTIAL_DEPTH} partials deep (does it include itself?): it is left out"),
            help: "include each partial once, without a cycle".to_owned(),
        });
        return String::new();
    }
    if !runs_erb(rel) {
        return text;
    }
    let mut inner = Vec::new();
    let sub = Context {
        rel_path: rel,
        data: cx.data,
        read: cx.read,
    };
    let written = run_erb(&text, 0..text.len(), &sub, depth + 1, &mut inner);
    problems.extend(inner.into_iter().map(|p| Problem {
        code: p.code,
        span: tag.span.clone(),
        message: format!("in partial `{rel}`: {}", p.message),
        help: p.help,
    }));
    written.text
}

/// The files Middleman would take for `partial "dir/name"` from a page at
/// `rel_path`: `dir/_name` (then `dir/name`) with a template extension,
/// beside the page first, then from the root. Bare stems (no `.`) stand
/// for the set in the diagnostic.
fn partial_candidates(rel_path: &str, name: &str) -> Vec<String> {
    const EXTS: &[&str] = &[
        ".html.erb",
        ".erb",
        ".html.md.erb",
        ".md.erb",
        ".html.md",
        ".md",
        ".html",
        ".svg",
    ];
    let name = name.trim_start_matches('/');
    let (dir, base) = name.rsplit_once('/').map_or(("", name), |(d, b)| (d, b));
    let base = base.trim_start_matches('_');
    let here = rel_path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = Vec::new();
    for prefix in [here, ""] {
        let folder = [prefix, dir]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("/");
        for stem in [format!("_{base}"), base.to_owned()] {
            let stem = if folder.is_empty() {
                stem
            } else {
                format!("{folder}/{stem}")
            };
            if stem.split('/').any(|s| s == "..") || out.contains(&stem) {
                continue;
            }
            out.push(stem.clone());
            out.extend(EXTS.iter().map(|e| format!("{stem}{e}")));
        }
    }
    out
}

fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn attribute(text: &str) -> String {
    crate::markdown::escape_html(text)
}

/// Redcarpet's forms made CommonMark: `##Heading` gets its space, and
/// `[text]` then `(url)` on the next line (or after spaces) are joined.
fn redcarpet(text: &str, problems: &mut Vec<Problem>) -> Rewritten {
    let mut b = Builder::new(text, 0..text.len());
    let mut fence: Option<(char, usize)> = None;
    let mut offset = 0;
    let mut paragraph_start = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start_matches(' ').len();
        let trimmed = &content[indent.min(content.len())..];
        if let Some((c, n)) = fence {
            let run = trimmed.chars().take_while(|&x| x == c).count();
            if indent <= 3 && run >= n && trimmed[run * c.len_utf8()..].trim().is_empty() {
                fence = None;
            }
            paragraph_start = offset;
            continue;
        }
        if indent <= 3 {
            let c = trimmed.chars().next();
            if let Some(c @ ('`' | '~')) = c {
                let run = trimmed.chars().take_while(|&x| x == c).count();
                if run >= 3 {
                    fence = Some((c, run));
                    paragraph_start = offset;
                    continue;
                }
            }
        }
        if content.trim().is_empty() {
            paragraph_start = offset;
            continue;
        }
        if indent >= 4 || content.starts_with('\t') {
            continue;
        }
        let hashes = trimmed.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) {
            let after = &trimmed[hashes..];
            if after.chars().next().is_some_and(|c| !c.is_whitespace()) {
                let at = start + indent + hashes;
                b.replace(at..at, " ");
                let marks = "#".repeat(hashes);
                problems.push(Problem {
                    code: Code::RedcarpetSyntax,
                    span: start + indent..start + content.len(),
                    message: format!("`{marks}{}` has no space after `{marks}`: the gem reads it as a heading, CommonMark and GitHub as text", after.chars().take(40).collect::<String>()),
                    help: format!("write `{marks} {}`", after.chars().take(40).collect::<String>()),
                });
                paragraph_start = offset;
                continue;
            }
        }
        // `]` at the end of this line, `(url)` at the start of the next.
        split_links(text, start, offset, paragraph_start, &mut b, problems);
    }
    b.finish()
}

/// Joins `[text]` and `(url)` that whitespace parts, within one line or
/// across a line break, when `[text]` opens in the same paragraph and the
/// parenthesis holds something shaped like a URL.
fn split_links(
    text: &str,
    start: usize,
    end: usize,
    paragraph_start: usize,
    b: &mut Builder,
    problems: &mut Vec<Problem>,
) {
    let bytes = text.as_bytes();
    let mut i = start;
    while let Some(close) = text[i..end].find(']').map(|o| i + o) {
        i = close + 1;
        let mut j = close + 1;
        let mut newlines = 0;
        while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\n' | b'\r') {
            if bytes[j] == b'\n' {
                newlines += 1;
            }
            j += 1;
        }
        if j == close + 1 || newlines > 1 || bytes.get(j) != Some(&b'(') {
            continue;
        }
        let url: String = text[j + 1..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ')')
            .collect();
        let closed = text[j + 1 + url.len()..]
            .lines()
            .next()
            .is_some_and(|l| l.contains(')'));
        let url_like = !url.is_empty()
            && url.contains(['/', '.', '#', ':'])
            && !url.contains(['[', ']', '`', '(']);
        if !closed || !url_like || !opens_before(text, paragraph_start, close) {
            continue;
        }
        b.replace(close + 1..j, "");
        problems.push(Problem {
            code: Code::RedcarpetSyntax,
            span: close..j + 1,
            message: "a link's `[text]` and `(url)` are apart: the gem reads them as a link, CommonMark and GitHub as text".to_owned(),
            help: "write `](` with nothing between `]` and `(`".to_owned(),
        });
    }
}

/// Whether a `[` opens the bracket that `close` ends, within the paragraph.
fn opens_before(text: &str, from: usize, close: usize) -> bool {
    let mut depth = 0usize;
    for c in text[from..close].chars().rev() {
        match c {
            ']' => depth += 1,
            '[' if depth == 0 => return true,
            '[' => depth -= 1,
            '`' => return false,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(rel: &str, body: &str, files: &[(&str, &str)]) -> (String, Vec<Problem>) {
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        let data = |k: &str| (k == "title").then(|| "A *bold* title".to_owned());
        let read = |rel: &str| files.iter().find(|(p, _)| p == rel).map(|(_, t)| t.clone());
        let cx = Context {
            rel_path: rel,
            data: &data,
            read: &read,
        };
        let mut problems = Vec::new();
        let out = prepare(body, 0..body.len(), &cx, &mut problems);
        (out.map_or_else(|| body.to_owned(), |r| r.text), problems)
    }

    #[test]
    fn the_gems_helpers_render_and_other_erb_is_dropped() {
        let body = "# <%= current_page.data.title %>\n\n<%= warning_text('Don\\'t') %>\n\n<%= image_tag \"d.png\", alt: \"A <d>\" %>\n\n<%= partial \"partials/p\" %>\n\n<% items.each do |i| %>\n* <%= i %>\n<% end %>\n<%# note %>after <%= Time.now %>.\n";
        let (out, problems) = run(
            "x/page.html.md.erb",
            body,
            &[("partials/_p.md", "From [p](/p.html).")],
        );
        assert_eq!(
            out,
            "# A \\*bold\\* title\n\n<div class=\"warning-text\"><strong>Warning:</strong> Don't</div>\n\n<img src=\"/images/d.png\" alt=\"A &lt;d&gt;\">\n\nFrom [p](/p.html).\n\n\nafter .\n"
        );
        let codes: Vec<_> = problems
            .iter()
            .map(|p| (p.code, &body[p.span.clone()]))
            .collect();
        assert_eq!(
            codes,
            [
                (Code::UnsupportedErb, "<% items.each do |i| %>"),
                (Code::UnsupportedErb, "<%= Time.now %>")
            ]
        );
    }

    #[test]
    fn plain_markdown_pages_keep_their_erb_as_text_and_missing_partials_are_reported() {
        let (out, problems) = run("a.html.md", "`<%= x %>`\n", &[]);
        assert_eq!(out, "`<%= x %>`\n");
        assert!(problems.is_empty());
        let (_, problems) = run("a.html.md.erb", "<%= partial 'partials/gone' %>\n", &[]);
        assert_eq!(problems[0].code, Code::BrokenLink);
        assert!(
            problems[0].message.contains("partials/_gone.*"),
            "{problems:?}"
        );
    }

    #[test]
    fn redcarpet_forms_become_commonmark() {
        let body = "##Setup\n\nRead [the\nguide]\n(/y.html) and [sic] (maybe).\n\n```\n#!/bin/sh\n```\n#hash\n";
        let (out, problems) = run("a.html.md", body, &[]);
        assert_eq!(
            out,
            "## Setup\n\nRead [the\nguide](/y.html) and [sic] (maybe).\n\n```\n#!/bin/sh\n```\n# hash\n"
        );
        let spans: Vec<&str> = problems.iter().map(|p| &body[p.span.clone()]).collect();
        assert_eq!(spans, ["##Setup", "]\n(", "#hash"]);
    }
}
