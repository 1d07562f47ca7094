//! The dates of a card's verification: a strict `YYYY-MM-DD`, and the stamp
//! `vouch verify` writes when it re-verifies a card the same day.

use jiff::civil::{Date, Time};

/// Parses `YYYY-MM-DD` strictly (a real calendar day, four-digit year).
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    s.parse::<Date>().ok()
}

/// When an owner vouched for a card: the day, and the UTC time of day when
/// `vouch verify` re-verified a card already verified that day (a plain date
/// changes no byte, so a same-day edit could never be vouched for again).
/// A plain date sorts before any time of its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    pub date: Date,
    pub time: Option<Time>,
}

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.date)?;
        if let Some(t) = self.time {
            write!(f, "T{:02}:{:02}:{:02}Z", t.hour(), t.minute(), t.second())?;
        }
        Ok(())
    }
}

impl From<Date> for Stamp {
    fn from(date: Date) -> Self {
        Stamp { date, time: None }
    }
}

/// Parses a plain date (as [`parse_date`]) or `YYYY-MM-DDTHH:MM:SSZ`.
pub fn parse_stamp(s: &str) -> Option<Stamp> {
    let s = s.trim();
    if let Some(date) = parse_date(s) {
        return Some(Stamp { date, time: None });
    }
    let (day, rest) = s.split_at_checked(10)?;
    let date = parse_date(day)?;
    let clock = rest.strip_prefix('T')?.strip_suffix('Z')?.as_bytes();
    let shape = clock.len() == 8
        && clock[2] == b':'
        && clock[5] == b':'
        && clock
            .iter()
            .enumerate()
            .all(|(i, c)| i == 2 || i == 5 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let two = |i: usize| (clock[i] - b'0') as i8 * 10 + (clock[i + 1] - b'0') as i8;
    let time = Time::new(two(0), two(3), two(6), 0).ok()?;
    Some(Stamp {
        date,
        time: Some(time),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_real_days() {
        assert!(parse_date("2026-10-01").is_some());
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("2026-1-01").is_none());
        assert!(parse_date("01/10/2026").is_none());
    }

    #[test]
    fn stamps_carry_an_optional_utc_time_that_sorts_after_the_plain_day() {
        let day = parse_stamp("2026-10-01").unwrap();
        let later = parse_stamp("2026-10-01T14:03:27Z").unwrap();
        assert_eq!(later.to_string(), "2026-10-01T14:03:27Z");
        assert_eq!(day.to_string(), "2026-10-01");
        assert!(day < later);
        assert!(later < parse_stamp("2026-10-02").unwrap());
        for bad in [
            "2026-10-01T25:00:00Z",
            "2026-10-01T14:03Z",
            "2026-10-01 14:03:27",
            "2026-10-01T14:03:27+02:00",
        ] {
            assert!(parse_stamp(bad).is_none(), "{bad}");
        }
    }
}
