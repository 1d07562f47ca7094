//! Card templates: a Markdown file whose front matter declares what a card of
//! that type must contain, and whose body is the starting text for new cards.
//! The built-ins are embedded from `templates/cards/`; a root's own
//! `templates/cards/NAME.md` adds a template or replaces the built-in NAME.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diagnostic::Code;
use crate::front_matter;
use crate::model::fields::{self, Fields, Reporter};
use crate::model::interval::Interval;
use crate::source::SourceText;
use crate::yaml;

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The `type:` value that selects it: the file name without `.md`.
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    pub required_fields: Vec<String>,
    /// Further fields a card of this type may carry.
    pub fields: Vec<String>,
    pub required_sections: Vec<String>,
    pub verify_every: Option<Interval>,
    /// The Markdown a new card starts from.
    pub body: String,
    /// Where it came from: `None` for a built-in.
    pub path: Option<PathBuf>,
}

/// What `vouch new` writes into a card's front matter.
#[derive(Debug, Clone, Copy)]
pub struct NewCard<'a> {
    pub title: &'a str,
    pub owner: Option<&'a str>,
    pub verifier: Option<&'a str>,
    pub lang: Option<&'a str>,
    pub today: jiff::civil::Date,
}

impl Template {
    /// The text of a new card of this type: front matter with the given
    /// fields and every required one (empty, for the author to fill), then
    /// the template's body with its guidance.
    pub fn new_card(&self, new: &NewCard) -> String {
        use crate::yaml::scalar_for as yaml_scalar;
        let mut text = String::from("---\n");
        text.push_str(&format!("title: {}\n", yaml_scalar(new.title)));
        if self.key != "card" {
            text.push_str(&format!("type: {}\n", self.key));
        }
        if let Some(owner) = new.owner {
            text.push_str(&format!("owners: [{}]\n", yaml_scalar(owner)));
        }
        text.push_str(&format!("verified: {}\n", new.today));
        if let Some(verifier) = new.verifier {
            text.push_str(&format!("verified_by: {}\n", yaml_scalar(verifier)));
        }
        if let Some(lang) = new.lang {
            text.push_str(&format!("lang: {}\n", yaml_scalar(lang)));
        }
        for field in &self.required_fields {
            text.push_str(&format!("{field}:\n"));
        }
        text.push_str("---\n");
        text.push_str(self.body.trim_start_matches(['\r', '\n']));
        text
    }
}

/// The built-in templates, embedded at compile time.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("card", include_str!("../../templates/cards/card.md")),
    (
        "escalation",
        include_str!("../../templates/cards/escalation.md"),
    ),
    ("faq", include_str!("../../templates/cards/faq.md")),
    (
        "feature-breakdown",
        include_str!("../../templates/cards/feature-breakdown.md"),
    ),
    ("how-to", include_str!("../../templates/cards/how-to.md")),
    (
        "playbook",
        include_str!("../../templates/cards/playbook.md"),
    ),
    (
        "troubleshooting",
        include_str!("../../templates/cards/troubleshooting.md"),
    ),
];

const KEYS: &[&str] = &[
    "name",
    "description",
    "required_fields",
    "fields",
    "required_sections",
    "verify_every",
];

impl Template {
    /// Parses a template file. Problems are reported against `reporter`'s file;
    /// a template that cannot be read at all yields `None`.
    pub fn parse(key: &str, reporter: &mut Reporter) -> Option<Template> {
        let source = reporter.source.clone();
        let text = source.as_str();
        let split = front_matter::split(text);
        let Some(yaml_range) = split.yaml.clone().filter(|_| !split.unclosed) else {
            let span = split.opener.clone().unwrap_or(0..0);
            reporter
                .at(Code::InvalidTemplate, span, "a card template needs front matter with a `template:` mapping")
                .set_help("start the file with `---`, a `template:` mapping (name, required_fields, required_sections), and `---`");
            return None;
        };
        let node = match yaml::parse(text, yaml_range) {
            Ok(node) => node,
            Err(e) => {
                reporter.at(Code::FrontMatterSyntax, e.offset..e.offset, e.message);
                return None;
            }
        };
        let mut top = Fields::of(&node, "a template's front matter", reporter);
        let mut template = Template {
            key: key.to_owned(),
            name: key.to_owned(),
            description: None,
            required_fields: Vec::new(),
            fields: Vec::new(),
            required_sections: Vec::new(),
            verify_every: None,
            body: text[split.body.clone()].to_owned(),
            path: None,
        };
        match top.take("template") {
            Some((_, spec)) => {
                let mut f = Fields::of(spec, "`template`", reporter);
                let list = |f: &mut Fields, k: &str, reporter: &mut Reporter| {
                    f.take(k)
                        .map(|(_, v)| {
                            fields::text_list(v, reporter)
                                .into_iter()
                                .map(|(s, _)| s)
                                .collect()
                        })
                        .unwrap_or_default()
                };
                if let Some(name) = f.take("name").and_then(|(_, v)| fields::text(v, reporter)) {
                    template.name = name;
                }
                template.description = f
                    .take("description")
                    .and_then(|(_, v)| fields::text(v, reporter));
                template.required_fields = list(&mut f, "required_fields", reporter);
                template.fields = list(&mut f, "fields", reporter);
                template.required_sections = list(&mut f, "required_sections", reporter);
                template.verify_every = f
                    .take("verify_every")
                    .and_then(|(_, v)| fields::interval(v, reporter));
                f.report_unknown(KEYS, "`template`", reporter);
            }
            None => {
                let span = split.opener.clone().unwrap_or(0..0);
                reporter
                    .at(
                        Code::InvalidTemplate,
                        span,
                        "this template's front matter has no `template:` mapping",
                    )
                    .set_help("add `template:` with at least a `name:`");
            }
        }
        top.report_unknown(&["template"], "a template's front matter", reporter);
        Some(template)
    }
}

/// The templates a root can use, by key.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    pub by_key: BTreeMap<String, Template>,
}

impl Templates {
    /// The built-ins. They are part of vouch, so a problem in one is a bug: the
    /// unit tests below parse every one of them without a diagnostic.
    pub fn built_in() -> Templates {
        let mut by_key = BTreeMap::new();
        for (key, text) in BUILT_IN {
            let mut reporter = Reporter::new(
                PathBuf::from(format!("templates/cards/{key}.md")),
                SourceText::new(*text),
            );
            if let Some(t) = Template::parse(key, &mut reporter) {
                by_key.insert((*key).to_owned(), t);
            }
        }
        Templates { by_key }
    }

    pub fn get(&self, key: &str) -> Option<&Template> {
        self.by_key.get(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_parses_cleanly() {
        for (key, text) in BUILT_IN {
            let mut reporter = Reporter::new(PathBuf::from(*key), SourceText::new(*text));
            let t = Template::parse(key, &mut reporter);
            assert!(
                reporter.diagnostics.is_empty(),
                "{key}: {:?}",
                reporter.diagnostics
            );
            let t = t.unwrap();
            for section in &t.required_sections {
                assert!(
                    t.body.contains(&format!("## {section}\n")),
                    "{key}: the body has no `## {section}` heading"
                );
            }
        }
    }

    #[test]
    fn feature_breakdown_declares_the_spec_sections() {
        let t = Templates::built_in();
        let fb = t.get("feature-breakdown").unwrap();
        assert_eq!(fb.required_fields, ["release_date", "product_owner"]);
        assert_eq!(fb.required_sections.len(), 7);
        assert_eq!(t.by_key.len(), 7);
    }
}
