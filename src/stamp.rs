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

/// A day as tech-docs-gem reads `last_reviewed_on` (Ruby's date parsing):
/// `YYYY-MM-DD` and its forms with one-digit months and days or `/`
/// (`2026-1-05`, `2026/1/5`), a time after the day, and the day written in
/// words (`5 January 2026`, `Jan 5th, 2026`). Day-first and month-first
/// numbers (`05/01/2026`) are refused: they read differently by country.
pub fn parse_gem_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Some(d) = parse_date(s) {
        return Some(d);
    }
    // A time after the day is not part of it.
    let day = s
        .split_once(['T', ' '])
        .filter(|(_, time)| {
            time.trim_start().as_bytes().get(2) == Some(&b':') || time.contains(':')
        })
        .map_or(s, |(d, _)| d);
    let numbers: Vec<&str> = day.split(['-', '/']).collect();
    if numbers.len() == 3
        && numbers
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        if numbers[0].len() != 4 || numbers[1].len() > 2 || numbers[2].len() > 2 {
            return None;
        }
        return Date::new(
            numbers[0].parse().ok()?,
            numbers[1].parse().ok()?,
            numbers[2].parse().ok()?,
        )
        .ok();
    }
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let (mut year, mut month, mut mday) = (None, None, None);
    for word in s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
    {
        let lower = word.to_ascii_lowercase();
        let lower = lower.trim_end_matches('.');
        if let Some(m) = MONTHS
            .iter()
            .position(|m| lower.len() >= 3 && m.starts_with(lower))
        {
            month.get_or_insert(m as i8 + 1);
            continue;
        }
        let digits = lower.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            if MONTHS.iter().all(|m| !m.starts_with(lower)) && !matches!(lower, "the" | "of") {
                // A weekday name is fine; anything else is not a day.
                let weekday = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                    .iter()
                    .any(|w| lower.starts_with(w));
                if !weekday {
                    return None;
                }
            }
            continue;
        }
        match digits.len() {
            4 if year.is_none() => year = digits.parse().ok(),
            1 | 2 if mday.is_none() => mday = digits.parse().ok(),
            _ => return None,
        }
    }
    Date::new(year?, month?, mday?).ok()
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
    fn the_gems_dates_are_read_as_ruby_reads_them() {
        let day = |s: &str| parse_gem_date(s).map(|d| d.to_string());
        for (written, read) in [
            ("2026-1-05", "2026-01-05"),
            ("2026/1/5", "2026-01-05"),
            ("2026-01-05 10:30:00", "2026-01-05"),
            ("5 January 2026", "2026-01-05"),
            ("Jan 5th, 2026", "2026-01-05"),
            ("Monday 5 Jan 2026", "2026-01-05"),
        ] {
            assert_eq!(day(written).as_deref(), Some(read), "{written}");
        }
        for bad in [
            "05/01/2026",
            "2026-13-01",
            "2026-02-30",
            "soon",
            "5 Foo 2026",
            "2026",
        ] {
            assert_eq!(day(bad), None, "{bad}");
        }
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
