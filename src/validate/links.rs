//! Link rules, read from the resolved model: every link leads somewhere the
//! site has (a published card and heading, a page, a published file), and
//! no two cards claim one address. The model decides where links go; this
//! file only says, for each that leads nowhere, what is wrong and how to fix it.

use crate::diagnostic::{Code, Diagnostic};
use crate::markdown::Link;
use crate::model::fields::closest;
use crate::resolve::{Broken, Entry, LinkTarget, Model, Publish};

pub fn check(entry: &Entry, model: &Model, out: &mut Vec<Diagnostic>) {
    let card = entry.card;
    for resolved in &entry.links {
        let link = resolved.link;
        let at = |code, message: String| {
            Diagnostic::at(
                code,
                card.file.clone(),
                &card.source,
                link.span.clone(),
                message,
            )
        };
        match &resolved.target {
            LinkTarget::External | LinkTarget::Unsafe | LinkTarget::Elsewhere(_) => {}
            LinkTarget::File { .. } => {}
            LinkTarget::Broken(broken) => out.push(broken_link(broken, link, model, &at)),
            LinkTarget::Card { card: to, fragment } => {
                let target = &model.cards[*to];
                if let Some(f) = fragment
                    && f.id.is_none()
                    && !f.written.is_empty()
                {
                    out.push(missing_heading(entry, target, &f.written, &link.dest, &at));
                }
                if entry.is_published()
                    && let Some(d) = unpublished(target, &link.dest, &at)
                {
                    out.push(d);
                }
            }
            LinkTarget::Collection { key, fragment } => {
                if let Some(f) = fragment.as_deref().filter(|f| !f.is_empty()) {
                    out.push(
                        at(
                            Code::BrokenAnchor,
                            format!(
                                "`{}`: the page of the {} `{key}` has no heading `#{f}`",
                                link.dest,
                                if key.contains('/') { "folder" } else { "collection" }
                            ),
                        )
                        .with_help("link to a heading of one of its cards, or give the folder an `index.md` with that heading"),
                    );
                }
            }
            LinkTarget::Home { fragment } => {
                if let Some(f) = fragment.as_deref().filter(|f| !f.is_empty()) {
                    out.push(
                        at(
                            Code::BrokenAnchor,
                            format!("`{}`: the home page has no heading `#{f}`", link.dest),
                        )
                        .with_help("link to a heading of a card instead"),
                    );
                }
            }
        }
    }
}

fn broken_link(
    broken: &Broken,
    link: &Link,
    model: &Model,
    at: &dyn Fn(Code, String) -> Diagnostic,
) -> Diagnostic {
    let dest = &link.dest;
    let relative = "links are relative to this card's folder; check the path and the file name";
    match broken {
        Broken::OutsideRoot => at(
            Code::BrokenLink,
            format!("`{dest}` leads outside the knowledge root"),
        )
        .with_help("link only to cards and files inside the root"),
        Broken::NoCard { rel } => {
            let wanted = crate::model::card::card_id(rel).unwrap_or(rel);
            let d = at(
                Code::BrokenLink,
                format!("`{dest}` does not lead to a card (looked for {rel})"),
            );
            match closest(wanted, model.index.ids()) {
                Some(hint) => d.with_help(format!(
                    "did you mean the card `{hint}`? Links are relative to this card's folder"
                )),
                None => d.with_help(relative),
            }
        }
        Broken::NoFile { rel } => {
            let what = if link.is_image { "image" } else { "file" };
            at(
                Code::BrokenLink,
                format!("{what} `{dest}` does not exist (looked for {rel})"),
            )
            .with_help(if dest.trim_start().starts_with('/') {
                "site-absolute links start at the site's root (the `source/` folder); check the path and the file name"
            } else {
                relative
            })
        }
        Broken::Unreadable { rel } => at(
            Code::BrokenLink,
            format!("`{dest}` leads to {rel}, a card that cannot be read, so it has no page"),
        )
        .with_help(format!("fix the errors reported for {rel}")),
        Broken::NotPublished { rel, why } => at(
            Code::BrokenLink,
            format!("`{dest}` leads to {rel}, which is not published: {why}"),
        )
        .with_help("link to a card, or to a file beside the cards"),
        Broken::Unsafe { rel, why } => at(
            Code::UnsafeAsset,
            format!("`{dest}` leads to {rel}, which is not published: {why}"),
        )
        .with_help(format!(
            "the site publishes only {}: export the file as one of those, or link to where it is hosted",
            crate::asset::PUBLISHED_KINDS
        )),
        Broken::Folder { rel } => at(
            Code::BrokenLink,
            format!("`{dest}` leads to the folder {rel}, which has no page"),
        )
        .with_help(format!(
            "link to a card in it, or give it a page: a card at {rel}/index.md"
        )),
    }
}

/// `unpublished-link`: a published card links to one the site will not have.
fn unpublished(
    target: &Entry,
    dest: &str,
    at: &dyn Fn(Code, String) -> Diagnostic,
) -> Option<Diagnostic> {
    let id = &target.card.id;
    match &target.publish {
        Publish::Page(_) => None,
        Publish::Draft => Some(
            at(
                Code::UnpublishedLink,
                format!("`{dest}` leads to `{id}`, a draft, which the site does not publish"),
            )
            .with_help("publish that card (`status: published`), or remove the link until it is"),
        ),
        Publish::Collides(why) => Some(
            at(
                Code::UnpublishedLink,
                format!("`{dest}` leads to `{id}`, which cannot be published: {why}"),
            )
            .with_help(format!(
                "fix the `duplicate-id` error of {}",
                target.card.rel_path
            )),
        ),
    }
}

fn missing_heading(
    from: &Entry,
    target: &Entry,
    fragment: &str,
    dest: &str,
    at: &dyn Fn(Code, String) -> Diagnostic,
) -> Diagnostic {
    let headings = &target.card.outline.headings;
    let whose = if std::ptr::eq(from.card, target.card) {
        "this card".to_owned()
    } else {
        format!("`{}`", target.card.id)
    };
    let d = at(
        Code::BrokenAnchor,
        format!("`{dest}`: {whose} has no heading `#{fragment}`"),
    );
    match closest(fragment, headings.iter().map(|h| h.id.as_str())) {
        Some(hint) => d.with_help(format!("did you mean `#{hint}`?")),
        None if headings.is_empty() => d.with_help(format!("{whose} has no headings")),
        None => d.with_help(format!(
            "its heading ids are: {}",
            headings
                .iter()
                .map(|h| format!("#{}", h.id))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// `duplicate-id`: cards whose address another card, a collection or the
/// site itself already has.
pub fn check_collisions(model: &Model, out: &mut Vec<Diagnostic>) {
    for entry in &model.cards {
        if let Publish::Collides(why) = &entry.publish {
            let card = entry.card;
            out.push(
                Diagnostic::at(
                    Code::DuplicateId,
                    card.file.clone(),
                    &card.source,
                    0..0,
                    format!("this card cannot be published: {why}"),
                )
                .with_help("rename the file or folder: both would publish at the same address"),
            );
        }
    }
}
