//! The site's HTML pages, rendered with minijinja from the templates embedded
//! from `templates/site/`; a file of the same name in the root's
//! `templates/site/` replaces the built-in.

use std::path::Path;

use minijinja::{Environment, Value, context};

use crate::render::chart;
use crate::render::site::Site;
use crate::resolve::urls::{self, root_prefix};

/// The built-in site templates and assets.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/site/base.html")),
    (
        "macros.html",
        include_str!("../../templates/site/macros.html"),
    ),
    ("home.html", include_str!("../../templates/site/home.html")),
    ("card.html", include_str!("../../templates/site/card.html")),
    (
        "collection.html",
        include_str!("../../templates/site/collection.html"),
    ),
    ("tag.html", include_str!("../../templates/site/tag.html")),
    ("tags.html", include_str!("../../templates/site/tags.html")),
    (
        "owner.html",
        include_str!("../../templates/site/owner.html"),
    ),
    (
        "owners.html",
        include_str!("../../templates/site/owners.html"),
    ),
    (
        "freshness.html",
        include_str!("../../templates/site/freshness.html"),
    ),
    ("404.html", include_str!("../../templates/site/404.html")),
    (
        "search.html",
        include_str!("../../templates/site/search.html"),
    ),
];

pub const ASSETS: &[(&str, &str)] = &[
    ("style.css", include_str!("../../templates/site/style.css")),
    ("vouch.js", include_str!("../../templates/site/vouch.js")),
    ("search.js", include_str!("../../templates/site/search.js")),
];

/// A template or asset that could not be used, with where it came from.
#[derive(Debug, thiserror::Error)]
#[error("{name}: {message}")]
pub struct TemplateError {
    pub name: String,
    pub message: String,
}

impl TemplateError {
    fn new(name: &str, e: &minijinja::Error) -> Self {
        let mut message = e.to_string();
        if let Some(line) = e.line() {
            message = format!("line {line}: {message}");
        }
        TemplateError {
            name: name.to_owned(),
            message,
        }
    }
}

/// minijinja's HTML escaping also escapes `/`, which makes every relative URL
/// six bytes longer per slash; escaping `&<>"'` is all HTML needs, in text and
/// in quoted attributes.
fn html_formatter(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    let raw = value.is_safe() || matches!(state.auto_escape(), minijinja::AutoEscape::None);
    if value.is_none() || value.is_undefined() {
        return Ok(());
    }
    let owned;
    let text = match value.as_str() {
        Some(text) => text,
        None => {
            owned = value.to_string();
            &owned
        }
    };
    if raw {
        return out.write_str(text).map_err(minijinja::Error::from);
    }
    // Plain runs are written whole; only the five special bytes are replaced.
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[start..i])
            .map_err(minijinja::Error::from)?;
        out.write_str(entity).map_err(minijinja::Error::from)?;
        start = i + 1;
    }
    out.write_str(&text[start..])
        .map_err(minijinja::Error::from)
}

fn ser<T: serde::Serialize>(value: &T) -> Value {
    Value::from(minijinja::value::Serde(value))
}

pub struct Pages {
    env: Environment<'static>,
    /// The site's settings and vouch's addresses as template values, made
    /// once per build rather than once per page.
    shared: std::sync::OnceLock<(Value, Value)>,
}

/// The site's own pages: those rendered, and the paths of all of them.
#[derive(Debug, Default)]
pub struct SitePages {
    pub rendered: Vec<(String, String)>,
    pub paths: Vec<String>,
}

/// The root's override of a built-in file, if it has one.
pub fn override_of(root: &Path, name: &str) -> Result<Option<String>, TemplateError> {
    use crate::load::{FileRead, read_file};
    let rel = format!("templates/site/{name}");
    let error = |message: String| TemplateError {
        name: root.join(&rel).display().to_string(),
        message,
    };
    match read_file(root, &rel) {
        FileRead::Missing => Ok(None),
        FileRead::Bytes(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| error("not UTF-8".to_owned())),
        FileRead::Refused(why) => Err(error(format!("not read: {why}"))),
        FileRead::Failed(e) => Err(error(e.to_string())),
    }
}

impl Pages {
    pub fn new(root: &Path) -> Result<Pages, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.set_formatter(html_formatter);
        for (name, source) in BUILT_IN {
            let source = override_of(root, name)?.unwrap_or_else(|| (*source).to_owned());
            let shown = format!("templates/site/{name}");
            env.add_template_owned(*name, source)
                .map_err(|e| TemplateError::new(&shown, &e))?;
        }
        Ok(Pages {
            env,
            shared: std::sync::OnceLock::new(),
        })
    }

    /// `site` and `paths` as every template sees them. A `Pages` serves one
    /// site (see [`Pages::new`]'s callers).
    fn shared(&self, site: &Site) -> (Value, Value) {
        self.shared
            .get_or_init(|| (ser(&site.info), ser(&urls::PATHS)))
            .clone()
    }

    fn render(&self, name: &str, ctx: Value) -> Result<String, TemplateError> {
        let shown = format!("templates/site/{name}");
        let template = self
            .env
            .get_template(name)
            .map_err(|e| TemplateError::new(&shown, &e))?;
        template
            .render(ctx)
            .map_err(|e| TemplateError::new(&shown, &e))
    }

    /// A card's page, with its rendered body.
    pub fn card(&self, site: &Site, index: usize, body: &str) -> Result<String, TemplateError> {
        let p = &site.cards[index];
        let toc: Vec<Value> = p
            .card
            .outline
            .headings
            .iter()
            .filter(|h| (2..=3).contains(&h.level))
            .map(|h| context! { level => h.level, id => h.id.clone(), text => h.text.clone() })
            .collect();
        // A collection's index card is the collection's page: it lists the cards.
        let collection = site.collections.iter().find(|c| c.index == Some(index));
        let listing = collection.map(|c| site.views(&c.cards)).unwrap_or_default();
        self.render(
            "card.html",
            context! {
                site => self.shared(site).0,
                paths => self.shared(site).1,
                today => site.today.to_string(),
                root => root_prefix(&p.url),
                listing => ser(&listing),
                collection => collection.map(ser),
                lang => p.view.lang.clone(),
                dir => p.view.dir,
                card => ser(&p.view),
                toc => if toc.len() >= 2 { toc } else { Vec::new() },
                body => body,
                backlinks => ser(&site.views(&site.backlinks[index])),
            },
        )
    }

    fn page(
        &self,
        site: &Site,
        name: &str,
        dir: &str,
        extra: Value,
    ) -> Result<String, TemplateError> {
        let base = context! {
            site => self.shared(site).0,
            paths => self.shared(site).1,
            today => site.today.to_string(),
            root => root_prefix(dir),
            lang => site.info.lang.clone(),
            dir => crate::render::site::text_direction(&site.info.lang),
        };
        self.render(name, context! { ..extra, ..base })
    }

    /// Every page but the cards', as (path in the site, HTML).
    pub fn site_pages(&self, site: &Site) -> Result<Vec<(String, String)>, TemplateError> {
        Ok(self.site_pages_where(site, &|_| true)?.rendered)
    }

    /// The pages but the cards' whose path `wanted` accepts, and the paths
    /// of all of them; the pages not wanted are not rendered at all. This is
    /// the one list of the site's own pages.
    pub fn site_pages_where<'s>(
        &'s self,
        site: &'s Site,
        wanted: &dyn Fn(&str) -> bool,
    ) -> Result<SitePages, TemplateError> {
        let mut recent: Vec<usize> = (0..site.cards.len())
            .filter(|&i| site.cards[i].card.verified.is_some())
            .collect();
        recent.sort_by(|&a, &b| {
            let date = |i: usize| site.cards[i].card.verified.as_ref().map(|v| v.value);
            date(b).cmp(&date(a)).then(a.cmp(&b))
        });
        recent.truncate(10);
        // Pages are listed first, then the wanted ones rendered in parallel:
        // one page (the freshness dashboard, a big tag) must not hold up the rest.
        type Job<'j> = Box<dyn Fn() -> Result<String, TemplateError> + Send + Sync + 'j>;
        let mut jobs: Vec<(String, Option<Job<'s>>)> = Vec::new();
        let mut add = |path: String, render: Job<'s>| -> Result<(), TemplateError> {
            let job = wanted(&path).then_some(render);
            jobs.push((path, job));
            Ok(())
        };
        add(
            "index.html".to_owned(),
            Box::new(move || {
                self.page(
                    site,
                    "home.html",
                    "",
                    context! {
                        collections => ser(&site.collections),
                        recent => ser(&site.views(&recent)),
                        loose => ser(&site.views(&site.loose)),
                    },
                )
            }),
        )?;
        for c in site.collections.iter().filter(|c| c.index.is_none()) {
            let page = urls::folder_page(&c.key);
            add(
                urls::file_of(&page),
                Box::new(move || {
                    self.page(
                        site,
                        "collection.html",
                        &page,
                        context! { collection => ser(c), cards => ser(&site.views(&c.cards)) },
                    )
                }),
            )?;
        }
        let tag_links: Vec<Value> = site
            .tags
            .iter()
            .map(|t| context! { name => t.name.clone(), url => urls::tag_page(&t.name), count => t.cards.len() })
            .collect();
        add(
            urls::file_of(urls::TAGS),
            Box::new(move || {
                self.page(
                    site,
                    "tags.html",
                    urls::TAGS,
                    context! { tags => tag_links.clone() },
                )
            }),
        )?;
        for t in &site.tags {
            let dir = urls::tag_page(&t.name);
            add(
                urls::file_of(&dir),
                Box::new(move || {
                    self.page(
                        site,
                        "tag.html",
                        &dir,
                        context! { tag => t.name.clone(), cards => ser(&site.views(&t.cards)) },
                    )
                }),
            )?;
        }
        add(
            urls::file_of(urls::OWNERS),
            Box::new(move || {
                self.page(
                    site,
                    "owners.html",
                    urls::OWNERS,
                    context! { owners => ser(&site.owners) },
                )
            }),
        )?;
        for o in &site.owners {
            let dir = o.url.as_str();
            add(
                urls::file_of(dir),
                Box::new(move || {
                    self.page(
                        site,
                        "owner.html",
                        dir,
                        context! {
                            owner => ser(o),
                            cards => ser(&site.views(&o.direct)),
                        },
                    )
                }),
            )?;
        }
        let by_state = |badge| {
            (0..site.cards.len())
                .filter(|&i| site.cards[i].badge == badge)
                .collect::<Vec<_>>()
        };
        add(
            urls::file_of(urls::FRESHNESS),
            Box::new(move || {
                self.page(
                site,
                "freshness.html",
                urls::FRESHNESS,
                context! {
                    due_chart => chart::due_chart(site),
                    owner_chart => chart::owner_chart(site),
                    stale => ser(&site.views(&by_state(crate::render::site::Badge::Stale))),
                    expiring => ser(&site.views(&by_state(crate::render::site::Badge::Expiring))),
                },
            )
            }),
        )?;
        add(
            urls::file_of(urls::SEARCH),
            Box::new(move || self.page(site, "search.html", urls::SEARCH, context! {})),
        )?;
        // The 404 page is served at any address, so it links from the site's
        // absolute base rather than relatively.
        let base_path = site
            .ws
            .config
            .base_url
            .as_deref()
            .and_then(|u| u.split_once("://").map(|(_, rest)| rest))
            .and_then(|rest| rest.find('/').map(|i| rest[i..].to_owned()))
            .unwrap_or_else(|| "/".to_owned());
        let base_path = if base_path.ends_with('/') {
            base_path
        } else {
            format!("{base_path}/")
        };
        add(
            urls::NOT_FOUND.to_owned(),
            Box::new(move || {
                self.page(site, "404.html", "", context! { root => base_path.clone() })
            }),
        )?;
        use rayon::prelude::*;
        let rendered: Vec<Option<Result<String, TemplateError>>> = jobs
            .par_iter()
            .map(|(_, job)| job.as_ref().map(|render| render()))
            .collect();
        let mut out = SitePages::default();
        for ((path, _), html) in jobs.into_iter().zip(rendered) {
            if let Some(html) = html {
                out.rendered.push((path.clone(), html?));
            }
            out.paths.push(path);
        }
        Ok(out)
    }
}
