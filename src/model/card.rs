//! A card: its front matter read into typed fields, and its body's outline.
//! Reading reports what is malformed in the file itself (syntax, types, unknown
//! keys); rules that need the rest of the root live in `validate`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use jiff::civil::Date;

use crate::diagnostic::{Code, Diagnostic};
use crate::front_matter;
use crate::markdown::{self, Outline};
use crate::model::Dialect;
use crate::model::fields::{self, Fields, Reporter};
use crate::model::interval::Interval;
use crate::model::template::Templates;
use crate::source::SourceText;
use crate::yaml::{self, Node};

/// A value and the byte range it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    Draft,
    #[default]
    Published,
    Archived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Card {
    /// Path under the root without `.md` / `.html.md`: `support/refunds/annual-plan`.
    pub id: String,
    /// Path under the root, with `/` separators.
    pub rel_path: String,
    /// The path shown in diagnostics.
    pub file: PathBuf,
    pub source: SourceText,
    /// The top-level folder, or `None` for a card at the root.
    pub collection: Option<String>,
    pub title: Option<Located<String>>,
    /// The template named by `type` (default `card`).
    pub kind: Located<String>,
    pub owners: Vec<Located<String>>,
    pub verified: Option<Located<Date>>,
    pub verified_by: Option<Located<String>>,
    pub verify_every: Option<Located<Interval>>,
    pub tags: Vec<String>,
    pub lang: Option<String>,
    pub status: Status,
    /// Template-declared and `x-` fields, as written.
    pub extra: BTreeMap<String, Node>,
    /// Every key present, with the position of its name.
    pub keys: Vec<Located<String>>,
    /// Where to point when a field is missing: the opening `---`, or line 1.
    pub header_span: Range<usize>,
    /// Whether the file has front matter that is a mapping; when it does not,
    /// one diagnostic says so instead of one per missing field.
    pub has_front_matter: bool,
    pub body: Range<usize>,
    /// The body as the root's dialect reads it, when that differs from
    /// the file's text (tech-docs-gem's ERB and Redcarpet forms); its
    /// spans lead back to the file.
    pub prepared: Option<crate::rewrite::Rewritten>,
    pub outline: Outline,
    /// Other files of the root whose text this card shows (tech-docs-gem
    /// partials, nested ones too), by path under the root.
    pub includes: Vec<String>,
}

/// Keys every card may use.
pub const CORE_FIELDS: &[&str] = &[
    "title",
    "type",
    "owners",
    "verified",
    "verified_by",
    "verify_every",
    "tags",
    "lang",
    "status",
];

/// tech-docs-gem's keys, read as their vouch equivalents.
pub const TECH_DOCS_FIELDS: &[&str] = &["last_reviewed_on", "review_in", "owner_slack"];

/// tech-docs-gem's other page keys: accepted as they are, so a repository
/// written for the gem is checked without `unknown-field` noise.
pub const TECH_DOCS_PAGE_FIELDS: &[&str] = &[
    "layout",
    "parent",
    "weight",
    "hide_in_navigation",
    "old_paths",
    "source_url",
    "owner_slack_workspace",
    "prevent_indexing",
    "review_by",
    "description",
];

impl Card {
    pub fn title(&self) -> &str {
        self.title
            .as_ref()
            .map_or(self.id.as_str(), |t| t.value.as_str())
    }

    /// The Markdown that is checked, rendered and searched.
    pub fn markdown(&self) -> &str {
        match &self.prepared {
            Some(p) => &p.text,
            None => &self.source.as_str()[self.body.clone()],
        }
    }

    pub fn key_span(&self, name: &str) -> Option<Range<usize>> {
        self.keys
            .iter()
            .find(|k| k.value == name)
            .map(|k| k.span.clone())
    }
}

/// The id of a card at `rel_path`, or `None` when the path is not a card.
/// Middleman's template extensions (`x.html.md.erb`, `x.html.erb.md`,
/// `x.md.erb`) all make the page `x`.
pub fn card_id(rel_path: &str) -> Option<&str> {
    [".html.md.erb", ".html.erb.md", ".html.md", ".md.erb", ".md"]
        .iter()
        .find_map(|ext| rel_path.strip_suffix(ext))
}

/// A file name from a title, in any script: lower-case letters and digits
/// joined by `-` (`Refunds: annual plans` → `refunds-annual-plans`).
pub fn file_slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.to_lowercase().chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "card".to_owned()
    } else {
        out
    }
}

/// What reading a card needs of its root.
#[derive(Clone, Copy)]
pub struct Reading<'a> {
    pub templates: &'a Templates,
    pub dialect: Dialect,
    /// Another file of the root by path (a tech-docs partial), when it
    /// exists and may be read.
    pub read: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// Whether a path under the root is a folder without an index card.
    pub bare_folder: &'a (dyn Fn(&str) -> bool + Sync),
}

impl<'a> Reading<'a> {
    /// Reading that sees no other file of the root.
    pub fn alone(templates: &'a Templates, dialect: Dialect) -> Self {
        Reading {
            templates,
            dialect,
            read: &|_| None,
            bare_folder: &|_| false,
        }
    }
}

/// Reads a card from its bytes. Returns `None` (with diagnostics) when the file
/// cannot be read as a card at all: not UTF-8, or front matter that does not parse.
pub fn parse(
    rel_path: &str,
    file: PathBuf,
    bytes: Vec<u8>,
    reading: &Reading,
) -> (Option<Card>, Vec<Diagnostic>) {
    // The text is kept as read: no copy.
    let source = match String::from_utf8(bytes) {
        Ok(text) => SourceText::new(text),
        Err(e) => {
            let valid_up_to = e.utf8_error().valid_up_to();
            return (None, vec![not_utf8(file, e.as_bytes(), valid_up_to)]);
        }
    };
    let text = source.as_str();
    let mut reporter = Reporter::new(file.clone(), source.clone());
    let split = front_matter::split(text);
    let header_span = split.opener.clone().unwrap_or(0..0);
    if split.unclosed {
        reporter
            .at(
                Code::FrontMatterSyntax,
                header_span,
                "front matter is opened here but never closed",
            )
            .set_help("end the front matter with a line holding only `---`");
        return (None, reporter.diagnostics);
    }
    let node = match split.yaml.clone() {
        Some(range) => match yaml::parse(text, range) {
            Ok(node) => node,
            Err(e) => {
                reporter
                    .at(Code::FrontMatterSyntax, e.offset..e.offset, format!("front matter is not valid YAML: {}", e.message))
                    .set_help("check the indentation and quoting on this line; values holding `: ` or starting with `@`, `#`, `*` or `&` need quotes");
                return (None, reporter.diagnostics);
            }
        },
        None => Node {
            value: yaml::Value::Null,
            span: 0..0,
        },
    };
    let has_front_matter =
        split.yaml.is_some() && matches!(node.value, yaml::Value::Map(_) | yaml::Value::Null);
    // tech-docs-gem builds a page without front matter; it is not under review.
    if split.yaml.is_none() && reading.dialect == Dialect::Vouch {
        let text = reporter.source.as_str();
        // What looks like front matter to a person but not to a parser.
        let (message, help) = if text.trim_start_matches('\u{feff}').starts_with("---")
            && text.starts_with("\u{feff}\u{feff}")
        {
            (
                "card starts with two byte-order marks, so its `---` is not the first line and its front matter is not read",
                "save the file as UTF-8 with one byte-order mark at most",
            )
        } else if text.starts_with("---\r") && !text.contains('\n') {
            (
                "card's lines end in a carriage return alone (old Mac line endings), so it reads as one line and its front matter is not found",
                "save the file with LF (or CRLF) line endings",
            )
        } else {
            (
                "card has no front matter: it needs at least `title`, `owners` and `verified`",
                "start the file with:\n---\ntitle: …\nowners: [person-or-team]\nverified: YYYY-MM-DD\n---",
            )
        };
        reporter
            .at(Code::MissingField, 0..0, message)
            .set_help(help);
    }
    let mut card = read_fields(rel_path, file, &node, split, reading, &mut reporter);
    card.has_front_matter = has_front_matter;
    (Some(card), reporter.diagnostics)
}

fn read_fields(
    rel_path: &str,
    file: PathBuf,
    node: &Node,
    split: front_matter::Split,
    reading: &Reading,
    r: &mut Reporter,
) -> Card {
    let (templates, dialect) = (reading.templates, reading.dialect);
    let header_span = split.opener.clone().unwrap_or(0..0);
    let source = r.source.clone();
    let text = source.as_str();
    let mut id = card_id(rel_path).unwrap_or(rel_path).to_owned();
    // Middleman's `apps.html` beside the folder `apps/`: the folder's page.
    if dialect == Dialect::TechDocs
        && id != "index"
        && !id.ends_with("/index")
        && (reading.bare_folder)(&id)
    {
        id.push_str("/index");
    }
    let collection = id.split_once('/').map(|(c, _)| c.to_owned());
    let mut f = Fields::of(node, "front matter", r);
    let keys = f
        .rest()
        .map(|(k, _)| Located {
            value: k.name.clone(),
            span: k.span.clone(),
        })
        .collect();

    let located_text = |f: &mut Fields, key: &str, r: &mut Reporter| {
        let (_, v) = f.take(key)?;
        fields::text(v, r).map(|value| Located {
            value,
            span: v.span.clone(),
        })
    };

    let written_title = located_text(&mut f, "title", r).filter(|t| !t.value.trim().is_empty());
    let included = std::cell::RefCell::new(Vec::new());
    let prepared = match dialect {
        Dialect::TechDocs => {
            let data = |key: &str| match key {
                "title" => written_title.as_ref().map(|t| t.value.clone()),
                _ => node.get(key).and_then(|v| v.value.scalar_text()),
            };
            // Every file a partial is read from, for the pull-request gate.
            let read = |rel: &str| {
                let found = (reading.read)(rel);
                if found.is_some() {
                    included.borrow_mut().push(rel.to_owned());
                }
                found
            };
            let cx = crate::model::techdocs::Context {
                rel_path,
                data: &data,
                read: &read,
            };
            let mut problems = Vec::new();
            let prepared =
                crate::model::techdocs::prepare(text, split.body.clone(), &cx, &mut problems);
            for p in problems {
                r.at(p.code, p.span, p.message).set_help(p.help);
            }
            prepared
        }
        Dialect::Vouch => None,
    };
    let outline = match &prepared {
        Some(p) => {
            let mut o = markdown::outline(&p.text, 0..p.text.len());
            o.map_spans(|s| p.source_span(s));
            o
        }
        None => markdown::outline(text, split.body.clone()),
    };
    let title = written_title.or_else(|| {
        outline.first_h1.clone().map(|value| Located {
            value,
            span: header_span.clone(),
        })
    });
    let plain = || Located {
        value: "card".to_owned(),
        span: header_span.clone(),
    };
    let mut kind = located_text(&mut f, "type", r).unwrap_or_else(plain);
    // A tech-docs-gem page's `type:` is the site's own data (GOV.UK's
    // `type: learn`) unless it names a template.
    if dialect == Dialect::TechDocs && templates.get(&kind.value).is_none() {
        kind = plain();
    }
    let template = templates.get(&kind.value);
    if template.is_none() {
        let hint = fields::closest(&kind.value, templates.by_key.keys().map(String::as_str));
        let d = r.at(
            Code::UnknownTemplate,
            kind.span.clone(),
            format!("`{}` is not a card template", kind.value),
        );
        match hint {
            Some(h) => d.set_help(format!("did you mean `{h}`?")),
            None => d.set_help(format!(
                "use one of: {}, or add templates/cards/{}.md to the root",
                templates
                    .by_key
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                kind.value
            )),
        };
    }

    let mut owners: Vec<Located<String>> = f
        .take("owners")
        .map(|(_, v)| fields::text_list(v, r))
        .unwrap_or_default()
        .into_iter()
        .map(|(value, span)| Located { value, span })
        .collect();
    if let Some(slack) = located_text(&mut f, "owner_slack", r) {
        owners.push(slack);
    }

    let date = |f: &mut Fields, key: &str, r: &mut Reporter| {
        let (_, v) = f.take(key)?;
        fields::date(v, r).map(|value| Located {
            value,
            span: v.span.clone(),
        })
    };
    let verified = match date(&mut f, "verified", r) {
        Some(d) => {
            f.take("last_reviewed_on");
            Some(d)
        }
        None => f.take("last_reviewed_on").and_then(|(_, v)| {
            let value = match dialect {
                Dialect::TechDocs => fields::gem_date(v, r),
                Dialect::Vouch => fields::date(v, r),
            }?;
            Some(Located {
                value,
                span: v.span.clone(),
            })
        }),
    };
    let verified_by = located_text(&mut f, "verified_by", r);
    let interval = |f: &mut Fields, key: &str, r: &mut Reporter| {
        let (_, v) = f.take(key)?;
        fields::interval(v, r).map(|value| Located {
            value,
            span: v.span.clone(),
        })
    };
    let verify_every = match interval(&mut f, "verify_every", r) {
        Some(i) => {
            f.take("review_in");
            Some(i)
        }
        None => interval(&mut f, "review_in", r),
    };
    let tags = f
        .take("tags")
        .map(|(_, v)| {
            fields::text_list(v, r)
                .into_iter()
                .map(|(s, _)| s)
                .collect()
        })
        .unwrap_or_default();
    let lang = located_text(&mut f, "lang", r).map(|l| l.value);
    let status = match f.take("status") {
        None => Status::Published,
        Some((_, v)) => match fields::text(v, r).as_deref() {
            Some("draft") => Status::Draft,
            Some("published") | None => Status::Published,
            Some("archived") => Status::Archived,
            Some(other) => {
                r.at(
                    Code::InvalidValue,
                    v.span.clone(),
                    format!("`{other}` is not a card status"),
                )
                .set_help("use `draft`, `published` or `archived`");
                Status::Published
            }
        },
    };

    let mut extra = BTreeMap::new();
    let declared: Vec<&str> = template
        .map(|t| {
            t.required_fields
                .iter()
                .chain(&t.fields)
                .map(String::as_str)
                .collect()
        })
        .unwrap_or_default();
    for name in &declared {
        if let Some((k, v)) = f.take(name) {
            extra.insert(k.name.clone(), v.clone());
        }
    }
    for (k, v) in f.take_all(|name| name.starts_with("x-")) {
        extra.insert(k.name.clone(), v.clone());
    }
    for name in TECH_DOCS_PAGE_FIELDS {
        f.take(name);
    }
    let known: Vec<&str> = CORE_FIELDS
        .iter()
        .chain(TECH_DOCS_FIELDS)
        .chain(TECH_DOCS_PAGE_FIELDS)
        .copied()
        .chain(declared.iter().copied())
        .collect();
    let what = match template {
        Some(t) if !declared.is_empty() => format!("front matter (a `{}` card)", t.key),
        _ => "front matter".to_owned(),
    };
    match dialect {
        Dialect::Vouch => f.report_unknown(&known, &what, r),
        // Middleman hands every key to the layouts: only likely typos of
        // known keys are worth a warning.
        Dialect::TechDocs => f.report_typos(&known, &what, r),
    }

    Card {
        id,
        rel_path: rel_path.to_owned(),
        file,
        source: r.source.clone(),
        collection,
        title,
        kind,
        owners,
        verified,
        verified_by,
        verify_every,
        tags,
        lang,
        status,
        extra,
        keys,
        header_span,
        has_front_matter: true,
        body: split.body,
        prepared,
        includes: {
            let mut includes = included.into_inner();
            includes.sort_unstable();
            includes.dedup();
            includes
        },
        outline,
    }
}

/// Points at the first byte that is not UTF-8, showing its line with the bad
/// bytes replaced.
fn not_utf8(file: PathBuf, bytes: &[u8], valid_up_to: usize) -> Diagnostic {
    let line_start = bytes[..valid_up_to]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = bytes[valid_up_to..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| valid_up_to + i);
    let lines_before = bytes[..line_start].iter().filter(|&&b| b == b'\n').count();
    let shown = format!(
        "{}{}",
        "\n".repeat(lines_before),
        String::from_utf8_lossy(&bytes[line_start..line_end]).trim_end_matches('\r')
    );
    let source = SourceText::new(shown);
    let offset = lines_before + String::from_utf8_lossy(&bytes[line_start..valid_up_to]).len();
    Diagnostic::at(
        Code::NotUtf8,
        file,
        &source,
        offset..offset + '\u{fffd}'.len_utf8(),
        format!(
            "byte 0x{:02X} is not UTF-8; the file cannot be read as a card",
            bytes[valid_up_to]
        ),
    )
    .with_help(
        "save the file as UTF-8 (it may be Latin-1 or Windows-1252: `iconv -f latin1 -t utf-8`)",
    )
}

#[cfg(test)]
mod tests {
    use super::file_slug;

    #[test]
    fn slugs_keep_every_script() {
        assert_eq!(file_slug("Refunds: annual plans!"), "refunds-annual-plans");
        assert_eq!(
            file_slug("Verificação de reembolsos"),
            "verificação-de-reembolsos"
        );
        assert_eq!(file_slug("מדיניות החזרים"), "מדיניות-החזרים");
        assert_eq!(file_slug("返金ポリシー"), "返金ポリシー");
        assert_eq!(file_slug("  --  "), "card");
        assert_eq!(file_slug("../../etc/passwd"), "etc-passwd");
    }
}
