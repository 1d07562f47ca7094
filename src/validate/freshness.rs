//! When a card is due and whether it is fresh, expiring or stale. `build` uses
//! [`evaluate`] too, so the site and `check` always agree.

use jiff::civil::Date;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::load::Workspace;
use crate::model::card::{Card, Status};
use crate::model::collection::Collection;
use crate::model::config::FailOn;
use crate::model::interval::Interval;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Fresh,
    Expiring,
    Stale,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Fresh => "fresh",
            State::Expiring => "expiring",
            State::Stale => "stale",
        }
    }
}

/// Where a card's interval came from, most specific first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalSource {
    Card,
    Collection,
    Template,
    Config,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    pub interval: Interval,
    pub source: IntervalSource,
    /// `verified + interval`; `None` when the card was never verified.
    pub due: Option<Date>,
    pub state: Option<State>,
}

/// The state of a card on `today`: fresh when due − today > warn_within,
/// expiring when 0 ≤ due − today ≤ warn_within, stale when today > due.
pub fn state_on(due: Date, today: Date, warn_within: Interval) -> State {
    if today > due {
        State::Stale
    } else if warn_within.after(today).is_none_or(|edge| edge >= due) {
        State::Expiring
    } else {
        State::Fresh
    }
}

pub fn evaluate(card: &Card, ws: &Workspace, today: Date) -> Freshness {
    let collection = card.collection.as_ref().and_then(|c| ws.collections.get(c));
    let template = ws.templates.get(&card.kind.value);
    let (interval, source) = if let Some(i) = &card.verify_every {
        (i.value, IntervalSource::Card)
    } else if let Some((i, _)) = collection.and_then(|c| c.verify_every.as_ref()) {
        (*i, IntervalSource::Collection)
    } else if let Some(i) = template.and_then(|t| t.verify_every) {
        (i, IntervalSource::Template)
    } else {
        (ws.config.verification.every, IntervalSource::Config)
    };
    let due = card.verified.as_ref().and_then(|v| interval.after(v.value));
    let state = due.map(|due| state_on(due, today, ws.config.verification.warn_within));
    Freshness {
        interval,
        source,
        due,
        state,
    }
}

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
    if card.status != Status::Published {
        return;
    }
    let (Some(verified), Some(due), Some(state)) = (&card.verified, freshness.due, freshness.state)
    else {
        return;
    };
    let days = (due - today).get_days();
    let (code, message) = match state {
        State::Fresh => return,
        State::Expiring if days == 0 => {
            (Code::Expiring, format!("verification is due today ({due})"))
        }
        State::Expiring => (
            Code::Expiring,
            format!(
                "verification is due on {due}, in {}",
                crate::diagnostic::plural(days as usize, "day")
            ),
        ),
        State::Stale => (
            Code::Stale,
            format!(
                "verification expired on {due}, {} ago (verified {}, every {})",
                crate::diagnostic::plural((-days) as usize, "day"),
                verified.value,
                freshness.interval
            ),
        ),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn boundaries_follow_the_spec() {
        let due = date("2026-06-30");
        let warn = Interval::days(14);
        // due − today = warn_within: expiring; one more day: fresh.
        assert_eq!(state_on(due, date("2026-06-16"), warn), State::Expiring);
        assert_eq!(state_on(due, date("2026-06-15"), warn), State::Fresh);
        // today = due: expiring; the day after: stale.
        assert_eq!(state_on(due, date("2026-06-30"), warn), State::Expiring);
        assert_eq!(state_on(due, date("2026-07-01"), warn), State::Stale);
    }
}
