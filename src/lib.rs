//! vouch: a docs-as-code knowledge compiler.
//!
//! The pipeline reads top to bottom: [`load`] finds and reads a knowledge root,
//! [`model`] turns its files into typed cards and configuration, [`validate`]
//! applies every rule, and [`report`] renders the diagnostics. `check` stops
//! there; `build` goes on to [`render`] the site and [`write`] it atomically.

pub mod asset;
pub mod cmd;
pub mod diagnostic;
pub mod edit;
pub mod front_matter;
pub mod git;
pub mod guru;
pub mod history;
pub mod live;
pub mod load;
pub mod markdown;
pub mod model;
pub mod render;
pub mod report;
pub mod resolve;
pub mod rewrite;
pub mod search;
pub mod serve;
pub mod source;
pub mod stamp;
pub mod timing;
pub mod urlpath;
pub mod validate;
pub mod write;
pub mod yaml;

use jiff::civil::Date;

/// Today's date in UTC: the default `--today`.
pub fn utc_today() -> Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

/// The time of day now in UTC, to the second.
pub fn utc_time_now() -> jiff::civil::Time {
    let t = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .time();
    jiff::civil::Time::new(t.hour(), t.minute(), t.second(), 0).unwrap_or(t)
}
