//! Phase times for benchmarks: with `VOUCH_TIMINGS` set, [`mark`] prints the
//! time since the previous mark (and since [`start`]) to stderr. Phases that
//! run side by side (a build's pages and its search index) mark the same
//! clock, so each counts from whichever mark came before it. Off, a mark
//! costs one relaxed load.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Instant;

static STATE: AtomicU8 = AtomicU8::new(0); // 0 unknown, 1 off, 2 on
static LAST: Mutex<Option<(Instant, Instant)>> = Mutex::new(None);

fn on() -> bool {
    match STATE.load(Ordering::Relaxed) {
        1 => false,
        2 => true,
        _ => {
            let on = std::env::var_os("VOUCH_TIMINGS").is_some_and(|v| !v.is_empty());
            STATE.store(if on { 2 } else { 1 }, Ordering::Relaxed);
            on
        }
    }
}

/// Starts the clock (the first mark of a run).
pub fn start() {
    if on()
        && let Ok(mut last) = LAST.lock()
    {
        let now = Instant::now();
        *last = Some((now, now));
    }
}

/// Ends the phase `name`: prints its milliseconds and the running total.
pub fn mark(name: &str) {
    if !on() {
        return;
    }
    let Ok(mut last) = LAST.lock() else { return };
    let now = Instant::now();
    let (began, prev) = last.unwrap_or((now, now));
    eprintln!(
        "timing {name:<18} {:>7.1} ms  (total {:>7.1} ms)",
        (now - prev).as_secs_f64() * 1000.0,
        (now - began).as_secs_f64() * 1000.0
    );
    *last = Some((began, now));
}
