//! When a card is due and whether it is fresh, expiring or stale: computed
//! once per card by the resolved model, read by `check`, the site and reports.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::load::Workspace;
use crate::model::card::Card;
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
    /// The last day the card's verification holds (`verified + interval`;
    /// for a tech-docs-gem page the day before its review date): stale
    /// after it. `None` when the card was never verified. States and every
    /// date arithmetic (the readers' clock, charts, orders) use this.
    pub due: Option<Date>,
    /// The date people are told the card is due: `due`, or for a
    /// tech-docs-gem page its review date, the day the gem calls it expired.
    /// `check`, the pages, `cards.json` and reports all name this one.
    pub named_due: Option<Date>,
    /// The first day the card is expiring: `warn_within` before the named
    /// due date (so a tech-docs page's window is counted back from its
    /// review date, as long as a vouch card's). The site, its search index
    /// and its totals hand it to the readers' clock.
    pub expiring_from: Option<Date>,
    pub state: Option<State>,
}

/// Whether `verified` is later than `today` allows: more than a day ahead,
/// since a person east of UTC may rightly write tomorrow's UTC date.
pub fn is_future(verified: Date, today: Date) -> bool {
    today.tomorrow().is_ok_and(|tomorrow| verified > tomorrow)
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
    // A `verified` date in the future vouches for nothing (`check` reports
    // it): the card counts as never verified.
    let due = card
        .verified
        .as_ref()
        .filter(|v| !is_future(v.value, today))
        .and_then(|v| interval.after(v.value))
        .map(|review_by| match ws.dialect {
            // tech-docs-gem calls a page expired on its review date: the
            // last day its review holds is the day before.
            crate::model::Dialect::TechDocs => review_by.yesterday().unwrap_or(review_by),
            crate::model::Dialect::Vouch => review_by,
        });
    let named_due = due.map(|due| match ws.dialect {
        crate::model::Dialect::TechDocs => due.tomorrow().unwrap_or(due),
        crate::model::Dialect::Vouch => due,
    });
    let warn = ws.config.verification.warn_within;
    let expiring_from = named_due.map(|named| expiring_from(named, warn));
    let state = due.zip(expiring_from).map(|(due, from)| {
        if today > due {
            State::Stale
        } else if today >= from {
            State::Expiring
        } else {
            State::Fresh
        }
    });
    Freshness {
        interval,
        source,
        due,
        named_due,
        expiring_from,
        state,
    }
}

/// The first day on which a card due on `due` is expiring: the earliest `d`
/// with `d + warn_within >= due` (see `freshness::state_on`).
pub fn expiring_from(due: Date, warn: Interval) -> Date {
    use crate::model::interval::Unit;
    // Days and weeks are exact: one subtraction (every card pays this once).
    let days = match warn.unit {
        Unit::Day => Some(i64::from(warn.count)),
        Unit::Week => Some(i64::from(warn.count) * 7),
        Unit::Month | Unit::Year => None,
    };
    if let Some(days) = days {
        return jiff::Span::new()
            .try_days(days)
            .ok()
            .and_then(|span| due.checked_sub(span).ok())
            .unwrap_or(due);
    }
    let Some(span) = warn.span() else {
        return due;
    };
    let within = |d: Date| warn.after(d).is_some_and(|edge| edge >= due);
    let mut day = due.checked_sub(span).unwrap_or(due);
    // Month arithmetic clamps, so the estimate can be a few days off.
    while let Ok(before) = day.checked_sub(1.day()) {
        if !within(before) {
            break;
        }
        day = before;
    }
    while !within(day) && day < due {
        match day.checked_add(1.day()) {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The state of a card on `today`: fresh when due − today > warn_within,
    /// expiring when 0 ≤ due − today ≤ warn_within, stale when today > due.
    /// The rule as the spec writes it; `evaluate` decides by `expiring_from`,
    /// and the tests below hold the two equal.
    fn state_on(due: Date, today: Date, warn_within: Interval) -> State {
        if today > due {
            State::Stale
        } else if warn_within.after(today).is_none_or(|edge| edge >= due) {
            State::Expiring
        } else {
            State::Fresh
        }
    }

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

    #[test]
    fn expiring_from_decides_as_the_rule_does() {
        for warn in ["14d", "1mo", "6mo", "1d", "45d", "1y"] {
            let warn: Interval = warn.parse().unwrap();
            for due in ["2026-03-31", "2026-02-28", "2026-08-31", "2024-02-29"] {
                let due = date(due);
                let from = expiring_from(due, warn);
                let mut today = due.checked_sub(jiff::Span::new().days(400)).unwrap();
                while today <= due.checked_add(jiff::Span::new().days(3)).unwrap() {
                    let by_from = if today > due {
                        State::Stale
                    } else if today >= from {
                        State::Expiring
                    } else {
                        State::Fresh
                    };
                    assert_eq!(
                        by_from,
                        state_on(due, today, warn),
                        "{due} {today} {warn:?}"
                    );
                    today = today.tomorrow().unwrap();
                }
            }
        }
    }

    #[test]
    fn expiring_starts_warn_within_before_due() {
        let due: Date = "2026-06-30".parse().unwrap();
        assert_eq!(
            expiring_from(due, Interval::days(14)).to_string(),
            "2026-06-16"
        );
        let month = "1mo".parse().unwrap();
        // 2026-03-01 + 1 month = 2026-04-01 reaches the due date; 02-28 + 1 month = 03-28 does not.
        assert_eq!(
            expiring_from("2026-03-31".parse().unwrap(), month).to_string(),
            "2026-03-01"
        );
        let due: Date = "2026-08-31".parse().unwrap();
        let from = expiring_from(due, "6mo".parse().unwrap());
        assert_eq!(from.to_string(), "2026-03-01");
        assert_eq!(state_on(due, from, "6mo".parse().unwrap()), State::Expiring);
    }
}
