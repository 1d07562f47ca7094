//! `vouch.yaml`: site and policy configuration. Every key is optional; the
//! defaults below are the documented ones (see `knowledge/reference/vouch-yaml.md`).

use crate::model::fields::{self, Fields, Reporter};
use crate::model::interval::{Interval, Unit};
use crate::yaml::Node;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The site's name. Default: "Knowledge base".
    pub title: String,
    /// A one-line summary for the home page and llms.txt.
    pub description: Option<String>,
    /// Where the site is published, for absolute links in sitemap and llms.txt.
    pub base_url: Option<String>,
    /// The repository, for "Edit this card" and history links.
    pub repo_url: Option<String>,
    /// The branch edits and history links point at. Default: `main`.
    pub branch: String,
    /// The default card language (BCP 47). Default: `en`.
    pub lang: String,
    /// The language of the site's own words, when not `lang`.
    pub ui_lang: Option<String>,
    /// The Slack workspace (`acme` of acme.slack.com) owners' channels
    /// link into; tech-docs' `owner_slack_workspace`.
    pub slack_workspace: Option<String>,
    pub verification: Verification,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    /// Default interval between verifications. Default: 90d.
    pub every: Interval,
    /// A card due within this window is expiring. Default: 14d.
    pub warn_within: Interval,
    /// No card may ask for a longer interval. Default: 365d.
    pub max_every: Interval,
    /// What makes `vouch check` exit 1 besides errors. Default: stale.
    pub fail_on: FailOn,
    /// Which cards' staleness fails a pull request's check
    /// (`--changed-since`). Default: the changed cards.
    pub gate: Gate,
    /// Whether every published card must carry a verification date
    /// (`missing-field` without one). Default: yes in a vouch root; in a
    /// tech-docs-gem repository a page without review fields is not under
    /// review, as the gem sees it (see [`Verification::requires_date`]).
    pub required: Option<bool>,
}

impl Verification {
    /// Whether a published card without a verification date is an error
    /// in a root of this dialect.
    pub fn requires_date(&self, dialect: crate::model::Dialect) -> bool {
        self.required
            .unwrap_or(dialect == crate::model::Dialect::Vouch)
    }
}

/// Which cards `fail_on` applies to under `--changed-since`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Only the cards the change touches: a card that went stale elsewhere
    /// is a warning there (the scheduled check fails on it).
    Changed,
    /// Every card, as without `--changed-since`.
    All,
}

/// Which card states fail `vouch check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Stale,
    Expiring,
    Never,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Knowledge base".to_owned(),
            description: None,
            base_url: None,
            repo_url: None,
            branch: "main".to_owned(),
            lang: "en".to_owned(),
            ui_lang: None,
            slack_workspace: None,
            verification: Verification::default(),
        }
    }
}

impl Default for Verification {
    fn default() -> Self {
        Verification {
            every: Interval::days(90),
            warn_within: Interval::days(14),
            max_every: Interval {
                count: 365,
                unit: Unit::Day,
            },
            fail_on: FailOn::Stale,
            gate: Gate::Changed,
            required: None,
        }
    }
}

const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "repo_url",
    "branch",
    "lang",
    "ui_lang",
    "slack_workspace",
    "verification",
];
const VERIFICATION_KEYS: &[&str] = &[
    "every",
    "warn_within",
    "max_every",
    "fail_on",
    "gate",
    "required",
];

impl Config {
    /// Reads a parsed `vouch.yaml`; bad values are reported and keep their default.
    pub fn from_yaml(node: &Node, reporter: &mut Reporter) -> Config {
        let mut config = Config::default();
        let mut f = Fields::of(node, "vouch.yaml", reporter);
        let text = |f: &mut Fields, key: &str, reporter: &mut Reporter| {
            f.take(key).and_then(|(_, v)| fields::text(v, reporter))
        };
        if let Some(title) = text(&mut f, "title", reporter) {
            config.title = title;
        }
        config.description = text(&mut f, "description", reporter);
        let web = |url: &str| is_web_url(url).then(|| url.to_owned());
        for (key, slot) in [
            ("base_url", &mut config.base_url),
            ("repo_url", &mut config.repo_url),
        ] {
            *slot = checked_text(
                &mut f,
                key,
                reporter,
                web,
                &|_| format!("`{key}` must be an http:// or https:// address"),
                "write the full address, e.g. https://kb.example.com/; until then it is not used",
            );
        }
        if let Some(branch) = text(&mut f, "branch", reporter) {
            config.branch = branch;
        }
        if let Some(lang) = text(&mut f, "lang", reporter) {
            config.lang = lang;
        }
        config.ui_lang = checked_text(
            &mut f,
            "ui_lang",
            reporter,
            |tag| is_language_tag(tag).then(|| tag.to_owned()),
            &|tag| format!("`{tag}` is not a language tag"),
            "write a BCP 47 tag such as `pt`, `pt-BR` or `he`; until then the site's words follow `lang`",
        );
        config.slack_workspace = checked_text(
            &mut f,
            "slack_workspace",
            reporter,
            |written| {
                let name = written
                    .trim_end_matches('/')
                    .trim_start_matches("https://")
                    .trim_end_matches(".slack.com");
                is_slack_workspace(name).then(|| name.to_owned())
            },
            &|name| format!("`{name}` is not a Slack workspace name"),
            "write the name before .slack.com, e.g. `acme` for acme.slack.com",
        );
        if let Some((_, node)) = f.take("verification") {
            config.verification = Verification::from_yaml(node, reporter);
        }
        f.report_unknown(KEYS, "vouch.yaml", reporter);
        config
    }
}

impl Verification {
    fn from_yaml(node: &Node, reporter: &mut Reporter) -> Verification {
        let mut v = Verification::default();
        let mut f = Fields::of(node, "`verification`", reporter);
        let interval = |f: &mut Fields, key: &str, reporter: &mut Reporter| {
            f.take(key).and_then(|(_, v)| fields::interval(v, reporter))
        };
        if let Some(every) = interval(&mut f, "every", reporter) {
            v.every = every;
        }
        if let Some(warn) = interval(&mut f, "warn_within", reporter) {
            v.warn_within = warn;
        }
        if let Some(max) = interval(&mut f, "max_every", reporter) {
            v.max_every = max;
        }
        if let Some(fail_on) = one_of(
            &mut f,
            "fail_on",
            &[
                ("stale", FailOn::Stale),
                ("expiring", FailOn::Expiring),
                ("never", FailOn::Never),
            ],
            reporter,
        ) {
            v.fail_on = fail_on;
        }
        if let Some(gate) = one_of(
            &mut f,
            "gate",
            &[("changed", Gate::Changed), ("all", Gate::All)],
            reporter,
        ) {
            v.gate = gate;
        }
        if let Some((_, node)) = f.take("required") {
            v.required = fields::boolean(node, reporter);
        }
        f.report_unknown(VERIFICATION_KEYS, "`verification`", reporter);
        v
    }
}

/// A text setting that `valid` accepts (and may normalise), or `None`: absent,
/// or reported as `invalid-value` with `message(written)` and `help`.
fn checked_text(
    f: &mut Fields,
    key: &str,
    reporter: &mut Reporter,
    valid: impl Fn(&str) -> Option<String>,
    message: &dyn Fn(&str) -> String,
    help: &str,
) -> Option<String> {
    let (_, node) = f.take(key)?;
    let written = fields::text(node, reporter)?;
    let value = valid(&written);
    if value.is_none() {
        reporter
            .at(
                crate::diagnostic::Code::InvalidValue,
                node.span.clone(),
                message(&written),
            )
            .set_help(help);
    }
    value
}

/// The value of `key` among `choices`, or `None` (absent, or reported as
/// `invalid-value` with the choices in the help).
fn one_of<T: Copy>(
    f: &mut Fields,
    key: &str,
    choices: &[(&str, T)],
    reporter: &mut Reporter,
) -> Option<T> {
    let (_, node) = f.take(key)?;
    let text = fields::text(node, reporter)?;
    if let Some((_, value)) = choices.iter().find(|(name, _)| *name == text) {
        return Some(*value);
    }
    let names: Vec<String> = choices.iter().map(|(n, _)| format!("`{n}`")).collect();
    reporter
        .at(
            crate::diagnostic::Code::InvalidValue,
            node.span.clone(),
            format!("`{text}` is not a value of `{key}`"),
        )
        .set_help(match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("use {} or {last}", rest.join(", ")),
            Some((last, _)) => format!("use {last}"),
            None => String::new(),
        });
    None
}

impl Config {
    /// The language of the site's own words: `ui_lang`, else `lang`.
    pub fn ui_lang(&self) -> &str {
        self.ui_lang.as_deref().unwrap_or(&self.lang)
    }
}

/// A language tag as the site's words tables are named: letters, digits,
/// `-` and `_` (`pt-BR`), so it can name a file and nothing else.
pub fn is_language_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 35
        && tag.starts_with(|c: char| c.is_ascii_alphabetic())
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A Slack workspace's name as it appears in `NAME.slack.com`: letters,
/// digits and hyphens, so it can go into an address as it is.
pub fn is_slack_workspace(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// An absolute `http://` or `https://` address with a host and nothing a
/// page's attribute could be tricked by: the only kind vouch writes into
/// pages and feeds from settings.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && !url
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || "\"<>\\`".contains(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> (Config, Vec<String>) {
        let node = crate::yaml::parse(yaml, 0..yaml.len()).unwrap();
        let mut r = Reporter::new("vouch.yaml".into(), crate::source::SourceText::new(yaml));
        let config = Config::from_yaml(&node, &mut r);
        (
            config,
            r.diagnostics.iter().map(|d| d.message.clone()).collect(),
        )
    }

    #[test]
    fn checked_settings_are_normalised_or_reported_and_unused() {
        let (c, said) = read("slack_workspace: https://acme.slack.com/\nui_lang: pt-BR\n");
        assert_eq!(c.slack_workspace.as_deref(), Some("acme"));
        assert_eq!(c.ui_lang(), "pt-BR");
        assert!(said.is_empty(), "{said:?}");
        let (c, said) = read("slack_workspace: \"a b\"\nui_lang: \"../x\"\nbase_url: ftp://x\n");
        assert_eq!(
            (c.slack_workspace, c.ui_lang, c.base_url),
            (None, None, None)
        );
        assert_eq!(
            said,
            [
                "`base_url` must be an http:// or https:// address",
                "`../x` is not a language tag",
                "`a b` is not a Slack workspace name"
            ]
        );
    }
}
