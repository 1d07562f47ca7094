//! Freshness rules: `interval-too-long`, and `stale` and `expiring` for the
//! state the resolved model gives each card.

use jiff::civil::Date;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::load::Workspace;
use crate::model::card::{Card, Status};
use crate::model::collection::Collection;
use crate::model::config::FailOn;
use crate::model::interval::Interval;
use crate::resolve::freshness::{Freshness, State};

/// `interval-too-long`, `stale` and `expiring` for one card.
pub fn check(
    card: &Card,
    ws: &Workspace,
    freshness: &Freshness,
    today: Date,
    out: &mut Vec<Diagnostic>,
) {
    let policy = ws.config.verification;
    if let Some(every) = &card.verify_every
        && every.value.is_longer_than(policy.max_every)
    {
        out.push(
            Diagnostic::at(
                Code::IntervalTooLong,
                card.file.clone(),
                &card.source,
                every.span.clone(),
                format!(
                    "`verify_every: {}` is longer than the policy allows ({})",
                    every.value, policy.max_every
                ),
            )
            .with_help(format!(
                "use {} or less (`verification.max_every` in vouch.yaml)",
                policy.max_every
            )),
        );
    }
    if let Some(verified) = &card.verified
        && crate::resolve::freshness::is_future(verified.value, today)
    {
        out.push(
            Diagnostic::at(
                Code::InvalidDate,
                card.file.clone(),
                &card.source,
                verified.span.clone(),
                format!("`verified: {}` is in the future (today is {today})", verified.value),
            )
            .with_help("a card is verified on the day an owner checks it: write that date, or run `vouch verify`"),
        );
    }
    if card.status != Status::Published {
        return;
    }
    let (Some(verified), Some(due), Some(state)) = (&card.verified, freshness.due, freshness.state)
    else {
        return;
    };
    let days = (due - today).get_days();
    let plural = |n: i32| crate::diagnostic::plural(n.unsigned_abs() as usize, "day");
    let (code, message) = if ws.dialect == crate::model::Dialect::TechDocs {
        // In the gem's words: a page is reviewed by a date and expires on it.
        let review_by = freshness.named_due.unwrap_or(due);
        let left = (review_by - today).get_days();
        match state {
            State::Fresh => return,
            State::Expiring => (
                Code::Expiring,
                format!("review is due by {review_by}, in {}", plural(left)),
            ),
            State::Stale => (
                Code::Stale,
                format!(
                    "review expired on {review_by}, {} (last reviewed {}, review in {})",
                    if left == 0 {
                        "today".to_owned()
                    } else {
                        format!("{} ago", plural(left))
                    },
                    verified.value,
                    freshness.interval
                ),
            ),
        }
    } else {
        match state {
            State::Fresh => return,
            State::Expiring if days == 0 => {
                (Code::Expiring, format!("verification is due today ({due})"))
            }
            State::Expiring => (
                Code::Expiring,
                format!("verification is due on {due}, in {}", plural(days)),
            ),
            State::Stale => (
                Code::Stale,
                format!(
                    "verification expired on {due}, {} ago (verified {}, every {})",
                    plural(days),
                    verified.value,
                    freshness.interval
                ),
            ),
        }
    };
    let fails = matches!(
        (state, policy.fail_on),
        (State::Stale, FailOn::Stale | FailOn::Expiring) | (State::Expiring, FailOn::Expiring)
    );
    let severity = if fails {
        Severity::Error
    } else {
        Severity::Warning
    };
    out.push(
        Diagnostic::at(code, card.file.clone(), &card.source, verified.span.clone(), message)
            .with_severity(severity)
            .with_help("an owner checks the card is still right, then runs `vouch verify` on it (or sets `verified` to today)"),
    );
}

/// `interval-too-long` for a collection's default, once, in its `_collection.yaml`.
pub fn check_collection(collection: &Collection, max_every: Interval, out: &mut Vec<Diagnostic>) {
    let (Some((every, span)), Some((file, source))) = (&collection.verify_every, &collection.file)
    else {
        return;
    };
    if every.is_longer_than(max_every) {
        out.push(
            Diagnostic::at(
                Code::IntervalTooLong,
                file.clone(),
                source,
                span.clone(),
                format!("`verify_every: {every}` is longer than the policy allows ({max_every})"),
            )
            .with_help(format!(
                "use {max_every} or less (`verification.max_every` in vouch.yaml)"
            )),
        );
    }
}
