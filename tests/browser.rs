//! The built site in a real headless Chromium (Debian's `chromium`, which
//! `.ci/run` installs): what a reader sees, and the badge clock that turns a
//! card stale on the day it expires even when the site was built before.
//!
//! Without Chromium on the PATH the test is skipped with a message, except
//! under CI (`CI` set), where a missing browser is a failure.

mod common;

use std::fs;
use std::process::Command;

use common::{assert_exit, chromium, rendered_dom};

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
    // Verified the day before the build (a build never sees a later date).
    fs::write(
        root.join("guides/fresh.md"),
        card("Still fresh", days_ago(31), ""),
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
    assert_exit(&output, 0);
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
    assert!(dom.contains("Verified by <strong><bdi>Ana Costa</bdi></strong>"));
    assert!(dom.contains(r#"<a href="../../_/owners/support/" dir="auto">Support team</a>"#));
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

/// Where a page's parts land at a window width: the document's width, and
/// the left and right edges of its `<h1>` and `<main>`, measured by the
/// browser after layout.
fn measure(browser: &std::path::Path, page: &std::path::Path, width: u32) -> Vec<f64> {
    probe(
        browser,
        page,
        width,
        "var r = function (s) { var b = document.querySelector(s).getBoundingClientRect(); return [b.left, b.right]; }; return [document.documentElement.scrollWidth, innerWidth].concat(r('h1'), r('main'));",
    )
}

/// `vouch build ROOT -o SITE` on the tests' day; fails the test if it fails.
fn build(root: &std::path::Path, site: &std::path::Path) {
    let built = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .arg("build")
        .arg(root)
        .arg("-o")
        .arg(site)
        .args(["--today", "2026-11-25"])
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
}

/// Numbers `measure_js` (a function body returning an array) computes on
/// `page` after layout at a window width, in headless Chromium.
fn probe(
    browser: &std::path::Path,
    page: &std::path::Path,
    width: u32,
    measure_js: &str,
) -> Vec<f64> {
    let html = fs::read_to_string(page).unwrap();
    let probe = page.with_file_name(format!("probe-{width}.html"));
    let script = format!(
        "<script>addEventListener('load', function () {{ var f = function () {{ {measure_js} }}; var p = document.createElement('pre'); p.id = 'out'; p.textContent = JSON.stringify(f()); document.body.appendChild(p); }});</script>"
    );
    fs::write(&probe, html.replace("</body>", &format!("{script}</body>"))).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .arg(format!("--window-size={width},800"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--virtual-time-budget=3000", "--dump-dom"])
        .arg(file_url(&probe))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("<pre id=\"out\">").expect("the probe ran") + 14;
    let end = dom[start..].find("</pre>").unwrap() + start;
    serde_json::from_str(&dom[start..end]).unwrap()
}

#[test]
fn right_to_left_pages_open_on_their_content_at_phone_and_desktop_widths() {
    let Some(browser) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI must install chromium");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    fs::create_dir_all(root.join("support/refunds")).unwrap();
    fs::write(root.join("vouch.yaml"), "title: Layout\n").unwrap();
    fs::write(
        root.join("support/refunds/index.md"),
        "---\ntitle: מדיניות החזרים\nlang: he\nowners: [ana]\nverified: 2026-11-20\n---\n## מדיניות\n\nהחזר מלא תוך 30 יום.\n",
    )
    .unwrap();
    fs::write(
        root.join("support/a.md"),
        "---\ntitle: Refunds\nowners: [ana]\nverified: 2026-11-20\n---\nSee [the policy](refunds/).\n",
    )
    .unwrap();
    let site = tmp.path().join("site");
    build(&root, &site);
    for page in ["support/refunds/index.html", "support/a/index.html"] {
        for width in [390, 1280] {
            let m = measure(&browser, &site.join(page), width);
            let (doc, view, h1, main) = (m[0], m[1], (m[2], m[3]), (m[4], m[5]));
            assert!(
                doc <= view,
                "{page} at {width}px is {doc}px wide: it scrolls sideways"
            );
            for (what, (left, right)) in [("h1", h1), ("main", main)] {
                assert!(
                    left >= 0.0 && right <= view && right > left,
                    "{page} at {width}px: {what} spans {left}..{right} of {view}"
                );
            }
        }
    }
}

/// A title with an unbalanced right-to-left override cannot reverse the
/// dates beside it in a list: measured in Chromium, the dates start right
/// of the title's link, as in any left-to-right list; `check` warns.
#[test]
fn a_title_with_direction_controls_stays_in_its_place() {
    let Some(browser) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI must install chromium");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    fs::create_dir_all(root.join("support")).unwrap();
    fs::write(root.join("vouch.yaml"), "title: Bidi\n").unwrap();
    fs::write(
        root.join("support/a.md"),
        "---\ntitle: \"Refunds \\u202Eevil\"\nowners: [ana]\nverified: 2026-11-20\n---\nBody.\n",
    )
    .unwrap();
    let checked = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .arg("check")
        .arg(&root)
        .args(["--today", "2026-11-25", "--color", "never"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&checked.stdout);
    assert!(
        said.contains("warning[hidden-character]") && said.contains("U+202E"),
        "{said}"
    );
    let site = tmp.path().join("site");
    build(&root, &site);
    let boxes = probe(
        &browser,
        &site.join("support/index.html"),
        1200,
        "var li = document.querySelector('main li'); var a = li.querySelector('a').getBoundingClientRect(); var m = li.querySelector('.meta').getBoundingClientRect(); return [a.left, a.right, m.left, m.right];",
    );
    let (link_right, meta_left) = (boxes[1], boxes[2]);
    assert!(
        meta_left >= link_right - 1.0,
        "the dates were moved before the title: link {boxes:?}"
    );
}
