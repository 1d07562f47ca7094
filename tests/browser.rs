//! The built site in a real headless Chromium (Debian's `chromium`, which
//! `.ci/run` installs): what a reader sees, and the badge clock that turns a
//! card stale on the day it expires even when the site was built before.
//!
//! Without Chromium on the PATH the test is skipped with a message, except
//! under CI (`CI` set), where a missing browser is a failure.

mod common;

use std::fs;
use std::process::Command;

use common::{chromium, rendered_dom};

use jiff::ToSpan;
use jiff::civil::Date;

fn card(title: &str, verified: Date, extra: &str) -> String {
    format!(
        "---\ntitle: {title}\nowners: [support]\nverified: {verified}\nverified_by: ana\nverify_every: 90d\n{extra}---\nBody of {title}.\n"
    )
}

fn file_url(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

/// The badge element of a card page, as the browser left it.
fn badge(dom: &str) -> &str {
    let start = dom.find("<span class=\"badge").expect("a badge");
    let end = dom[start..].find("</span>").expect("a closed badge") + start;
    &dom[start..end]
}

#[test]
fn badges_follow_the_readers_clock() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (apt-get install -y chromium)"
        );
        eprintln!("skipped: no chromium on PATH (apt-get install chromium, or set VOUCH_CHROMIUM)");
        return;
    };
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let built_on = today.checked_sub(30.days()).unwrap();
    let days_ago = |n: i64| today.checked_sub(n.days()).unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    fs::create_dir_all(root.join("guides")).unwrap();
    fs::write(root.join("vouch.yaml"), "title: Browser test\n").unwrap();
    fs::write(root.join("owners.yaml"), "people:\n  ana:\n    name: Ana Costa\n    email: ana@acme.example\nteams:\n  support:\n    name: Support team\n    members: [ana]\n").unwrap();
    // Due 10 days ago: fresh when built 30 days ago, stale now.
    fs::write(
        root.join("guides/expired.md"),
        card("Expired since the build", days_ago(100), ""),
    )
    .unwrap();
    // Due in 3 days: fresh when built, expiring now.
    fs::write(
        root.join("guides/expiring.md"),
        card("Expiring now", days_ago(87), ""),
    )
    .unwrap();
    fs::write(
        root.join("guides/fresh.md"),
        card("Still fresh", days_ago(1), ""),
    )
    .unwrap();
    fs::write(
        root.join("guides/archived.md"),
        card("Archived", days_ago(400), "status: archived\n"),
    )
    .unwrap();

    let site = tmp.path().join("site");
    let output = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .arg("build")
        .arg(&root)
        .arg("-o")
        .arg(&site)
        .args(["--today", &built_on.to_string(), "--quiet"])
        .output()
        .expect("vouch runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let profile = tmp.path().join("profile");

    // Without JavaScript, the state computed at build time shows.
    let raw = fs::read_to_string(site.join("guides/expired/index.html")).unwrap();
    assert!(
        badge(&raw).contains(r#"data-state="fresh""#) && badge(&raw).ends_with(">Fresh"),
        "{}",
        badge(&raw)
    );

    let cases = [
        ("expired", "stale", "Stale"),
        ("expiring", "expiring", "Expiring"),
        ("fresh", "fresh", "Fresh"),
        ("archived", "archived", "Archived"),
    ];
    for (page, state, label) in cases {
        let dom = rendered_dom(
            &browser,
            &file_url(&site.join(format!("guides/{page}/index.html"))),
            &profile,
        );
        let b = badge(&dom);
        assert!(
            b.contains(&format!("badge-{state}"))
                && b.contains(&format!(r#"data-state="{state}""#)),
            "{page}: {b}"
        );
        assert!(b.ends_with(&format!(">{label}")), "{page}: {b}");
    }

    // What a reader sees on a card page.
    let dom = rendered_dom(
        &browser,
        &file_url(&site.join("guides/expired/index.html")),
        &profile,
    );
    assert!(dom.contains("<h1>Expired since the build</h1>"));
    assert!(dom.contains("Verified by <strong>Ana Costa</strong>"));
    assert!(dom.contains(r#"<a href="../../_/owners/support/">Support team</a>"#));
    assert!(dom.contains("Body of Expired since the build."));

    // Lists re-evaluate too: the home page's recently verified list.
    let home = rendered_dom(&browser, &file_url(&site.join("index.html")), &profile);
    let expired_row = home
        .lines()
        .find(|l| l.contains("Expired since the build"))
        .expect("listed on the home page");
    assert!(
        expired_row.contains(r#"data-state="stale""#),
        "{expired_row}"
    );
}
