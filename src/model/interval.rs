//! Verification intervals: `90d`, `12w`, `6mo`, `1y`, the long forms
//! (`6 months`), and tech-docs-gem's forgiving forms (`6 month`, `six months`).
//!
//! Written here rather than with jiff's friendly-duration parser because that
//! parser has no `mo` unit and no number words; jiff still does the calendar
//! arithmetic, where months clamp to the end of the month (Aug 31 + 6 months is
//! Feb 28).

use std::fmt;

use jiff::Span;
use jiff::civil::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// A count of calendar units between verifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interval {
    pub count: u32,
    pub unit: Unit,
}

/// Why an interval did not parse, phrased for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntervalError(pub String);

impl Interval {
    pub const fn days(count: u32) -> Self {
        Interval {
            count,
            unit: Unit::Day,
        }
    }

    /// The date `self` after `date`, or `None` past the end of the calendar.
    pub fn after(self, date: Date) -> Option<Date> {
        date.checked_add(self.span()?).ok()
    }

    /// The interval as a calendar span, or `None` when jiff cannot hold it
    /// (intervals are parsed at most a century long, so never in practice).
    pub fn span(self) -> Option<Span> {
        let count = i64::from(self.count);
        match self.unit {
            Unit::Day => Span::new().try_days(count).ok(),
            Unit::Week => Span::new().try_days(count.checked_mul(7)?).ok(),
            Unit::Month => Span::new().try_months(count).ok(),
            Unit::Year => Span::new().try_years(count).ok(),
        }
    }

    /// The interval's nominal length in days: a month is 365.25 / 12 days and
    /// a year 365.25, so `12 months`, `1y` and `365d` are all one year.
    pub fn nominal_days(self) -> f64 {
        let unit = match self.unit {
            Unit::Day => 1.0,
            Unit::Week => 7.0,
            Unit::Month => 365.25 / 12.0,
            Unit::Year => 365.25,
        };
        f64::from(self.count) * unit
    }

    /// Whether this interval is longer than `other` by at least a day, in
    /// nominal days. Calendar lengths vary (a year from a leap day is 366
    /// days), so comparing two due dates would call `12 months` longer than
    /// `365d` in some years and not in others.
    pub fn is_longer_than(self, other: Interval) -> bool {
        self.nominal_days() > other.nominal_days() + 0.5
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            Unit::Day => "d",
            Unit::Week => "w",
            Unit::Month => "mo",
            Unit::Year => "y",
        };
        write!(f, "{}{unit}", self.count)
    }
}

impl std::str::FromStr for Interval {
    type Err = IntervalError;

    fn from_str(input: &str) -> Result<Self, IntervalError> {
        let text = input.trim().to_lowercase();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = if split > 0 {
            (&text[..split], text[split..].trim())
        } else {
            match text.split_once(char::is_whitespace) {
                Some((word, unit)) => (word, unit.trim()),
                None => (text.as_str(), ""),
            }
        };
        let count = number_value(number).ok_or_else(|| {
            IntervalError(format!(
                "`{input}` does not start with a number of days, weeks, months or years"
            ))
        })?;
        if count == 0 {
            return Err(IntervalError(format!(
                "`{input}` is zero: nothing can be verified that often"
            )));
        }
        let unit = unit_value(unit).ok_or_else(|| {
            IntervalError(if unit.is_empty() {
                format!("`{input}` has no unit")
            } else {
                format!("`{unit}` in `{input}` is not a unit vouch knows")
            })
        })?;
        let interval = Interval { count, unit };
        if interval.nominal_days() > MAX_DAYS {
            return Err(IntervalError(format!(
                "`{input}` is longer than a century: no card can wait that long for a check"
            )));
        }
        Ok(interval)
    }
}

/// The longest interval vouch accepts, in nominal days (a century): far
/// inside the calendar jiff computes with, so due dates never overflow.
const MAX_DAYS: f64 = 36_525.0;

/// The help line shown with every interval error.
pub const INTERVAL_HELP: &str =
    "write a count and a unit: `90d`, `12w`, `6mo`, `1y`, or `6 months`";

fn number_value(word: &str) -> Option<u32> {
    if let Ok(n) = word.parse::<u32>() {
        return Some(n);
    }
    const WORDS: &[(&str, u32)] = &[
        ("a", 1),
        ("an", 1),
        ("one", 1),
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
        ("thirteen", 13),
        ("fourteen", 14),
        ("fifteen", 15),
        ("sixteen", 16),
        ("seventeen", 17),
        ("eighteen", 18),
        ("nineteen", 19),
        ("twenty", 20),
        ("thirty", 30),
        ("sixty", 60),
        ("ninety", 90),
    ];
    WORDS.iter().find(|(w, _)| *w == word).map(|&(_, n)| n)
}

fn unit_value(unit: &str) -> Option<Unit> {
    Some(match unit {
        "d" | "day" | "days" => Unit::Day,
        "w" | "wk" | "wks" | "week" | "weeks" => Unit::Week,
        "mo" | "mos" | "month" | "months" => Unit::Month,
        "y" | "yr" | "yrs" | "year" | "years" => Unit::Year,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Interval {
        s.parse()
            .unwrap_or_else(|e: IntervalError| panic!("{s}: {}", e.0))
    }

    #[test]
    fn every_documented_form_parses() {
        let cases = [
            ("90d", 90, Unit::Day),
            ("12w", 12, Unit::Week),
            ("6mo", 6, Unit::Month),
            ("1y", 1, Unit::Year),
            ("6 months", 6, Unit::Month),
            ("6 month", 6, Unit::Month),
            ("six months", 6, Unit::Month),
            ("191 days", 191, Unit::Day),
            ("2 weeks", 2, Unit::Week),
            ("1 year", 1, Unit::Year),
            ("3 Years", 3, Unit::Year),
            ("a year", 1, Unit::Year),
            ("1 day", 1, Unit::Day),
        ];
        for (text, count, unit) in cases {
            assert_eq!(parse(text), Interval { count, unit }, "{text}");
        }
    }

    #[test]
    fn bad_forms_are_rejected() {
        for text in ["", "90", "0d", "6m", "soon", "-3d", "d", "1.5y", "six"] {
            assert!(text.parse::<Interval>().is_err(), "{text} should not parse");
        }
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        let date = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(
            parse("6 months").after(date("2026-08-31")),
            Some(date("2027-02-28"))
        );
        assert_eq!(
            parse("1y").after(date("2024-02-29")),
            Some(date("2025-02-28"))
        );
        assert_eq!(
            parse("2w").after(date("2026-12-25")),
            Some(date("2027-01-08"))
        );
        // Past the end of the calendar: no date, and no panic.
        for count in [9999, 20_000, u32::MAX] {
            let far = Interval {
                count,
                unit: Unit::Year,
            };
            assert_eq!(far.after(date("2026-01-01")), None);
        }
        assert_eq!(
            Interval {
                count: u32::MAX,
                unit: Unit::Week
            }
            .after(date("2026-01-01")),
            None
        );
        // Such intervals are not even read: they are longer than a century.
        for text in ["101y", "20000y", "1213 months", "36526d"] {
            let err = text.parse::<Interval>().unwrap_err();
            assert!(err.0.contains("century"), "{text}: {}", err.0);
        }
        assert!("100y".parse::<Interval>().is_ok());
    }

    #[test]
    fn longer_compares_nominal_lengths() {
        let longer = |a: &str, b: &str| parse(a).is_longer_than(parse(b));
        assert!(longer("13mo", "1y"));
        assert!(longer("366d", "365d"));
        assert!(longer("53w", "1y"));
        assert!(!longer("12 months", "365d"));
        assert!(!longer("1y", "365d"));
        assert!(!longer("365d", "1y"));
        assert!(!longer("52w", "365d"));
        assert!(longer("6mo", "180d"));
    }
}
