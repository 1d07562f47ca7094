//! Phase times for benchmarks: with `VOUCH_TIMINGS` set, [`mark`] prints the
//! time since the previous mark (and since [`start`]) to stderr. Phases that
//! run side by side (a build's pages and its search index) mark the same
//! clock, so each counts from whichever mark came before it. Each mark also
//! prints the process's peak memory so far (Linux's `VmHWM`), to find the
//! phase that sets it. Off, a mark costs one relaxed load.

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
    // "VmHWM:   123456 kB" in /proc/self/status, where there is one.
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or_else(String::new, |kb| format!("  peak {:>5} MB", kb / 1024));
    eprintln!(
        "timing {name:<18} {:>7.1} ms  (total {:>7.1} ms){peak}",
        (now - prev).as_secs_f64() * 1000.0,
        (now - began).as_secs_f64() * 1000.0
    );
    *last = Some((began, now));
}
