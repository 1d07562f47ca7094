//! The site's HTML pages, rendered with minijinja from the templates embedded
//! from `templates/site/`; a file of the same name in the root's
//! `templates/site/` replaces the built-in.

use std::path::Path;
use std::sync::Arc;

use crate::markdown::Heading;
use minijinja::{Environment, Value, context};

use jiff::civil::Date;

use crate::render::BuildError;
use crate::render::chart;
use crate::render::compiled::{self, Listed};
use crate::render::i18n::Words;
use crate::render::site::{CollectionView, Site};
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

/// Where a script receives the site's words (a JSON object) at build time.
pub const WORDS_MARK: &str = "/*vouch:words*/{}";

pub const ASSETS: &[(&str, &str)] = &[
    ("style.css", include_str!("../../templates/site/style.css")),
    ("vouch.js", include_str!("../../templates/site/vouch.js")),
    ("search.js", include_str!("../../templates/site/search.js")),
];

/// A template or asset that could not be used, with where it came from.
#[derive(Debug, Clone, thiserror::Error)]
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
    crate::render::write_escaped(out, text).map_err(minijinja::Error::from)
}

/// The template functions of the site's words:
/// - `tr(key, name=value…)`: the message with its holes filled, as text
///   (escaped where it is written); `n=` chooses the plural form;
/// - `trh(key, …)`: the same as HTML, for messages around markup: the
///   message and plain values are escaped, values marked safe are not;
/// - `day(iso)`: a `YYYY-MM-DD` day in words; `due_words(iso)`: "due in 3
///   days" as of the build.
fn add_words(env: &mut Environment<'static>, words: &std::sync::Arc<Words>, today: Date) {
    use minijinja::value::Kwargs;
    fn args(kwargs: &Kwargs, escape: bool) -> Result<Vec<(String, String)>, minijinja::Error> {
        let mut out = Vec::new();
        for key in kwargs.args() {
            let value: Value = kwargs.get(key)?;
            let text = match value.as_str() {
                Some(s) => s.to_owned(),
                None => value.to_string(),
            };
            let text = if escape && !value.is_safe() {
                crate::render::escape_html(&text)
            } else {
                text
            };
            out.push((key.to_owned(), text));
        }
        Ok(out)
    }
    let w = words.clone();
    env.add_function(
        "tr",
        move |key: &str, kwargs: Kwargs| -> Result<String, minijinja::Error> {
            let args = args(&kwargs, false)?;
            let pairs: Vec<(&str, &str)> =
                args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            Ok(w.fill(key, &pairs))
        },
    );
    let w = words.clone();
    env.add_function(
        "trh",
        move |key: &str, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
            let args = args(&kwargs, true)?;
            let pairs: Vec<(&str, &str)> =
                args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let filled = w.fill_with(key, &pairs, crate::render::escape_html);
            Ok(Value::from_safe_string(filled))
        },
    );
    let w = words.clone();
    env.add_function("day", move |iso: &str| w.day_of(iso));
    env.add_filter("urlencode", |text: &str| {
        crate::urlpath::percent_encode(text)
    });
    let w = words.clone();
    env.add_function("interval_words", move |written: &str| {
        w.interval_of(written)
    });
    let w = words.clone();
    env.add_function("due_words", move |iso: &str| w.due_of(iso, today));
}

fn ser<T: serde::Serialize + ?Sized>(value: &T) -> Value {
    Value::from(minijinja::value::Serde(value))
}

pub struct Pages {
    env: Environment<'static>,
    words: std::sync::Arc<Words>,
    /// The site's settings and vouch's addresses as template values, made
    /// once per build rather than once per page.
    shared: std::sync::OnceLock<(Value, Value)>,
    /// Each card as lists show it, made once per build: see [`Pages::list`].
    #[allow(clippy::type_complexity)]
    listed: std::sync::OnceLock<Vec<std::sync::OnceLock<Result<Arc<Listed>, TemplateError>>>>,
    /// Whether card pages and summaries are written by [`compiled`]: the
    /// root overrides none of the templates they come from.
    compiled: bool,
}

/// Cards per page of an owner's list: a few thousand elements at most.
pub const OWNER_PAGE: usize = 200;

/// The site's own pages: the paths of all of them, and how many were
/// rendered (each handed to the caller as it was made).
#[derive(Debug, Default)]
pub struct SitePages {
    pub paths: Vec<String>,
    pub rendered: usize,
}

/// What takes a rendered page: its path in the site and its HTML.
pub type PutPage<'p> = dyn Fn(&str, String) -> Result<(), BuildError> + Sync + 'p;

/// The root's override of a built-in site file, if it has one.
pub fn override_of(root: &Path, name: &str) -> Result<Option<String>, TemplateError> {
    override_of_in(root, "templates/site", name)
}

/// The root's file `folder/name`, if it has one: read as the root's own
/// files are (no link out of the root, no FIFO), and UTF-8.
pub fn override_of_in(
    root: &Path,
    folder: &str,
    name: &str,
) -> Result<Option<String>, TemplateError> {
    use crate::load::{FileRead, read_file};
    let rel = format!("{folder}/{name}");
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

/// The site's theme as the root gives it: its templates (its own over the
/// built-in ones), parsed, and the words of its interface language. `check`
/// loads it too, so a template or a words table the build would fail on
/// fails `check` first.
pub struct Theme {
    env: Environment<'static>,
    words: Words,
    /// No override of a template the compiled card page stands in for.
    compiled: bool,
}

impl Theme {
    pub fn load(ws: &crate::load::Workspace) -> Result<Theme, TemplateError> {
        let root = &ws.root;
        let words = Words::load(
            root,
            ws.config.ui_lang(),
            ws.dialect == crate::model::Dialect::TechDocs,
        )?;
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.set_formatter(html_formatter);
        let mut compiled = true;
        for (name, source) in BUILT_IN {
            let own = override_of(root, name)?;
            compiled &= own.is_none() || !compiled::TEMPLATES.contains(name);
            let source = own.unwrap_or_else(|| (*source).to_owned());
            let shown = format!("templates/site/{name}");
            env.add_template_owned(*name, source)
                .map_err(|e| TemplateError::new(&shown, &e))?;
        }
        Ok(Theme {
            env,
            words,
            compiled,
        })
    }
}

/// `site-template` when the root's theme cannot be loaded: what `build`
/// would stop on, reported by `check`.
pub fn theme_problem(ws: &crate::load::Workspace) -> Option<crate::diagnostic::Diagnostic> {
    // The built-in theme is vouch's own (every build test loads it): only a
    // root with templates or words tables of its own can break it, and only
    // such a root pays for loading it here (about 2 ms).
    let own = ["templates/site", "templates/i18n"]
        .iter()
        .any(|dir| std::fs::symlink_metadata(ws.root.join(dir)).is_ok());
    if !own {
        return None;
    }
    let e = Theme::load(ws).err()?;
    // Named from the root (`templates/site/x.html`), or already with it.
    let named = Path::new(&e.name);
    let file = if named.is_absolute() || named.starts_with(&ws.root) {
        named.to_path_buf()
    } else {
        ws.root.join(named)
    };
    Some(
        crate::diagnostic::Diagnostic::file(
            crate::diagnostic::Code::SiteTemplate,
            file,
            format!("the site cannot be built with this file: {}", e.message),
        )
        .with_help("fix it, or remove it to use the built-in one"),
    )
}

impl Pages {
    /// The templates of `site`'s root (its own over the built-in ones) and
    /// the words of its interface language.
    pub fn new(site: &Site) -> Result<Pages, TemplateError> {
        let Theme {
            mut env,
            words,
            compiled,
        } = Theme::load(site.ws)?;
        let words = std::sync::Arc::new(words);
        add_words(&mut env, &words, site.today);
        Ok(Pages {
            env,
            shared: std::sync::OnceLock::new(),
            listed: std::sync::OnceLock::new(),
            words,
            compiled,
        })
    }

    /// The words of the site's interface language.
    pub fn words(&self) -> &Words {
        &self.words
    }

    /// `site` and `paths` as every template sees them. A `Pages` serves one
    /// site (see [`Pages::new`]'s callers).
    fn shared(&self, site: &Site) -> (Value, Value) {
        self.shared
            .get_or_init(|| (ser(&site.info), ser(&urls::PATHS)))
            .clone()
    }

    /// The cards `ids` as a list for `macros.html`'s `card_list`. Each
    /// card's summary carries, made once per build, what looks the same on
    /// every page that lists it: `badge` (its state), `title_html` (its
    /// title, marked with its language) and `dates` (verified and due), as
    /// the macros `badge`, `title_of` and `card_dates` write them (see
    /// [`Pages::summary`]). A card is listed on about eight pages; calling
    /// three macros for each was most of a big list's time.
    fn list(&self, site: &Site, ids: &[usize]) -> Result<Value, TemplateError> {
        let mut out = Vec::with_capacity(ids.len());
        for &i in ids {
            out.push(Value::from_dyn_object(self.listed(site, i)?.clone()));
        }
        Ok(Value::from(out))
    }

    /// The `i`-th card as lists show it, as HTML and as a template value;
    /// made once, when a page first lists it.
    fn listed(&self, site: &Site, i: usize) -> Result<&Arc<Listed>, TemplateError> {
        let listed = self.listed.get_or_init(|| {
            (0..site.cards.len())
                .map(|_| std::sync::OnceLock::new())
                .collect()
        });
        listed[i]
            .get_or_init(|| self.summary(site, i))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The `i`-th card as lists show it: written by [`compiled::listed`],
    /// or by the root's own `macros.html`.
    fn summary(&self, site: &Site, i: usize) -> Result<Arc<Listed>, TemplateError> {
        let s = site.cards[i].summary();
        if self.compiled {
            return Ok(Arc::new(compiled::listed(&self.words, s)));
        }
        let shown = "templates/site/macros.html";
        let error = |e: minijinja::Error| TemplateError::new(shown, &e);
        let macros = self.env.get_template("macros.html").map_err(error)?;
        let mut captured = macros
            .render_captured(context! {
                today => site.today.to_string(),
                lang => self.words.lang.clone(),
                dir => self.words.dir,
            })
            .map_err(error)?;
        let card = ser(s);
        let [badge, title_html, dates] = ["badge", "title_of", "card_dates"].map(|name| {
            captured.with_state_mut(|state| state.call_macro(name, std::slice::from_ref(&card)))
        });
        Ok(Arc::new(Listed::new(
            s,
            badge.map_err(error)?,
            title_html.map_err(error)?,
            dates.map_err(error)?,
        )))
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
        let outline = &p.card.outline;
        // Sections (H2, and the H1s the page shows as H2) with their
        // subsections (H3) nested, so each list counts its own entries.
        let mut toc: Vec<(&Heading, Vec<&Heading>)> = Vec::new();
        for (i, h) in outline.headings.iter().enumerate() {
            match h.level {
                1 | 2 if Some(i) != outline.leading_h1 => toc.push((h, Vec::new())),
                3 => match toc.last_mut() {
                    Some((_, children)) => children.push(h),
                    None => toc.push((h, Vec::new())),
                },
                _ => {}
            }
        }
        if toc.iter().map(|(_, c)| 1 + c.len()).sum::<usize>() < 2 {
            toc.clear();
        }
        let title_id = outline.leading_h1.map(|i| outline.headings[i].id.as_str());
        // A collection's or folder's index card is its page: it lists the
        // cards, and the folders inside.
        let collection = site
            .collections
            .iter()
            .chain(&site.folders)
            .find(|c| c.index == Some(index));
        // The cards before and after this one in its collection's list.
        let (previous, next) = p
            .card
            .collection
            .as_deref()
            .and_then(|k| site.collections.iter().find(|c| c.key == k))
            .and_then(|c| {
                // Lists are in site order: a card finds its place by halving.
                let at = c.cards.binary_search(&index).ok()?;
                Some((
                    at.checked_sub(1).map(|k| c.cards[k]),
                    c.cards.get(at + 1).copied(),
                ))
            })
            .unwrap_or((None, None));
        // The folders the card is in below its collection (the template
        // links the collection itself).
        let crumbs: Vec<&CollectionView> = site
            .ancestors(&p.card.id)
            .into_iter()
            .skip(1)
            .filter(|f| f.index != Some(index))
            .collect();
        let related = site.related(index, RELATED);
        let root = root_prefix(&p.url);
        if self.compiled && collection.is_none() {
            let listed = |ids: &[usize]| -> Result<Vec<&Listed>, TemplateError> {
                ids.iter()
                    .map(|&i| self.listed(site, i).map(|l| &**l))
                    .collect()
            };
            let one = |i: Option<usize>| i.map(|i| self.listed(site, i).map(|l| &**l)).transpose();
            return Ok(compiled::card_page(
                &self.words,
                &compiled::CardPage {
                    info: &site.info,
                    today: site.today,
                    root: &root,
                    card: p.view(),
                    toc: &toc,
                    title_id,
                    crumbs: &crumbs,
                    body,
                    backlinks: &listed(&site.backlinks[index])?,
                    related: &listed(&related)?,
                    previous: one(previous)?,
                    next: one(next)?,
                },
            ));
        }
        let heading = |h: &Heading| context! { id => h.id.clone(), text => h.text.clone() };
        let toc: Vec<Value> = toc
            .into_iter()
            .map(|(h, children)| {
                let children: Vec<Value> = children.into_iter().map(heading).collect();
                context! { id => h.id.clone(), text => h.text.clone(), children => children }
            })
            .collect();
        let listing = match collection {
            Some(c) => self.list(site, &c.cards)?,
            None => Value::from(Vec::<Value>::new()),
        };
        let folders = collection.map_or_else(Vec::new, |c| folder_tree(site, &c.key));
        self.render(
            "card.html",
            context! {
                site => self.shared(site).0,
                paths => self.shared(site).1,
                today => site.today.to_string(),
                root => root,
                listing => listing,
                collection => collection.map(ser),
                folders => folders,
                crumbs => crumbs.into_iter().map(crumb).collect::<Vec<_>>(),
                lang => self.words.lang.clone(),
                dir => self.words.dir,
                card => ser(p.view()),
                toc => toc,
                title_id => title_id,
                body => body,
                backlinks => self.list(site, &site.backlinks[index])?,
                related => self.list(site, &related)?,
                previous => previous.map(|i| self.list(site, &[i])).transpose()?,
                next => next.map(|i| self.list(site, &[i])).transpose()?,
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
            lang => self.words.lang.clone(),
            dir => self.words.dir,
        };
        self.render(name, context! { ..extra, ..base })
    }

    /// Renders the pages but the cards' whose path `wanted` accepts, handing
    /// each to `put` as soon as it is made (a big site's lists are tens of
    /// megabytes), and lists the paths of all of them; the pages not wanted
    /// are not rendered at all. This is the one list of the site's own pages.
    pub fn site_pages_where<'s>(
        &'s self,
        site: &'s Site,
        wanted: &dyn Fn(&str) -> bool,
        put: &PutPage,
    ) -> Result<SitePages, BuildError> {
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
        // `decided`: whether the page is wanted, when its group decides it.
        let mut add_as = |path: String, decided: Option<bool>, render: Job<'s>| {
            let job = decided.unwrap_or_else(|| wanted(&path)).then_some(render);
            jobs.push((path, job));
        };
        macro_rules! add {
            ($path:expr, $render:expr $(,)?) => {{
                add_as($path, None, $render);
                Ok::<(), TemplateError>(())
            }};
        }
        add!(
            "index.html".to_owned(),
            Box::new(move || {
                self.page(
                    site,
                    "home.html",
                    "",
                    context! {
                        collections => ser(&site.collections),
                        recent => self.list(site, &recent)?,
                        loose => self.list(site, &site.loose)?,
                    },
                )
            }),
        )?;
        // Collections and the folders inside them without an index card:
        // a page of their own, with the way up and the folders inside.
        for c in site
            .collections
            .iter()
            .chain(&site.folders)
            .filter(|c| c.index.is_none())
        {
            let page = urls::folder_page(&c.key);
            add!(
                urls::file_of(&page),
                Box::new(move || {
                    let crumbs: Vec<Value> =
                        site.ancestors(&c.key).into_iter().map(crumb).collect();
                    self.page(
                        site,
                        "collection.html",
                        &page,
                        context! {
                            collection => ser(c),
                            cards => self.list(site, &c.cards)?,
                            crumbs => crumbs,
                            folders => folder_tree(site, &c.key),
                        },
                    )
                }),
            )?;
        }
        let tag_links: Vec<Value> = site
            .tags
            .iter()
            .map(|t| context! { name => t.name.clone(), url => urls::tag_page(&t.name), count => t.cards.len() })
            .collect();
        add!(
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
            add!(
                urls::file_of(&dir),
                Box::new(move || {
                    self.page(
                        site,
                        "tag.html",
                        &dir,
                        context! { tag => t.name.clone(), cards => self.list(site, &t.cards)? },
                    )
                }),
            )?;
        }
        add!(
            urls::file_of(urls::OWNERS),
            Box::new(move || {
                self.page(
                    site,
                    "owners.html",
                    urls::OWNERS,
                    context! { owners => ser(site.owners()) },
                )
            }),
        )?;
        // Each owner's page lists their cards, most overdue first, a page of
        // OWNER_PAGE at a time; a change to any of them renders them all.
        for o in site.owners() {
            // A person's list holds their teams' cards too; past its first
            // page those are on the teams' own pages, which the first links.
            let listed = if o.kind == "person" && !o.teams.is_empty() {
                &o.all[..o.all.len().min(OWNER_PAGE)]
            } else {
                &o.all[..]
            };
            let chunks: Vec<&[usize]> = if listed.is_empty() {
                vec![&[][..]]
            } else {
                listed.chunks(OWNER_PAGE).collect()
            };
            let pages = chunks.len();
            let first = urls::file_of(&o.url);
            let wanted_owner = wanted(&first);
            for (n, ids) in chunks.into_iter().enumerate() {
                let dir = if n == 0 {
                    o.url.clone()
                } else {
                    format!("{}{}/", o.url, n + 1)
                };
                let render: Job<'s> = Box::new(move || {
                    self.page(
                        site,
                        "owner.html",
                        &dir,
                        context! {
                            owner => ser(o),
                            cards => self.list(site, ids)?,
                            page => n + 1,
                            pages => pages,
                            more => o.all.len() - listed.len(),
                        },
                    )
                });
                let path = if n == 0 {
                    first.clone()
                } else {
                    urls::file_of(&format!("{}{}/", o.url, n + 1))
                };
                add_as(path, Some(wanted_owner), render);
            }
        }
        // The owners' to-do list: every owner with cards, the one whose
        // card is most overdue first (an order the days passing keep).
        let mut todo: Vec<&crate::render::owners::OwnerView> =
            site.owners().iter().filter(|o| !o.all.is_empty()).collect();
        todo.sort_by(|a, b| {
            let urgency = |o: &crate::render::owners::OwnerView| {
                // Never-verified cards first, then the earliest due day
                // (an owner with no due day at all last), more stale, name.
                (
                    o.unverified == 0,
                    o.first_due.is_none(),
                    o.first_due.clone(),
                    std::cmp::Reverse(o.stale),
                )
            };
            urgency(a)
                .cmp(&urgency(b))
                .then_with(|| a.name.cmp(&b.name))
        });
        add!(
            urls::file_of(urls::FRESHNESS),
            Box::new(move || {
                self.page(
                    site,
                    "freshness.html",
                    urls::FRESHNESS,
                    context! {
                        due_chart => chart::due_chart(site, &self.words),
                        owner_chart => chart::owner_chart(site, &self.words),
                        todo => ser(&todo),
                    },
                )
            }),
        )?;
        add!(
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
        let style = override_of(&site.ws.root, "style.css")?
            .unwrap_or_else(|| {
                let (_, css) = ASSETS
                    .iter()
                    .find(|(n, _)| *n == "style.css")
                    .unwrap_or(&ASSETS[0]);
                (*css).to_owned()
            })
            .replace("</", "<\\/");
        add!(
            urls::NOT_FOUND.to_owned(),
            Box::new(move || {
                self.page(
                    site,
                    "404.html",
                    "",
                    context! { root => base_path.clone(), style => style.clone() },
                )
            }),
        )?;
        use rayon::prelude::*;
        let rendered = jobs
            .par_iter()
            .filter_map(|(path, job)| Some((path, job.as_ref()?)))
            .map(|(path, render)| put(path, render()?))
            .collect::<Result<Vec<()>, BuildError>>()?
            .len();
        Ok(SitePages {
            paths: jobs.into_iter().map(|(path, _)| path).collect(),
            rendered,
        })
    }
}

/// A collection or folder as a breadcrumb.
fn crumb(f: &crate::render::site::CollectionView) -> Value {
    context! { title => f.title.clone(), url => f.url.clone() }
}

/// Related cards shown on a card's page.
const RELATED: usize = 3;

/// The folders inside the collection or folder `key`, each with its title,
/// address, number of cards and the folders inside it: a tree of folders
/// only (its cards are listed on its own page), so a big collection's page
/// stays small.
fn folder_tree(site: &Site, key: &str) -> Vec<Value> {
    site.subfolders(key)
        .map(|f| {
            context! {
                title => f.title.clone(),
                url => f.url.clone(),
                count => f.count,
                children => folder_tree(site, &f.key),
            }
        })
        .collect()
}
