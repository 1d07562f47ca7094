//! Writes a synthetic knowledge root of N cards for benchmarks:
//! `cargo run --release --example generate_corpus -- 10000 bench/corpus-10000`.
//!
//! Cards are about 2 KB each, spread over 20 collections, owned by teams and
//! people of a 60-entry registry, with sections, tables, links and anchors to
//! other cards, and verification dates that leave some cards stale or expiring.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const COLLECTIONS: usize = 20;
const PEOPLE: usize = 50;
const TEAMS: usize = 10;

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let out = args
        .next()
        .unwrap_or_else(|| format!("bench/corpus-{count}"));
    let root = Path::new(&out);
    if root.exists() {
        fs::remove_dir_all(root).expect("remove the old corpus");
    }
    fs::create_dir_all(root).expect("create the corpus folder");
    fs::write(
        root.join("vouch.yaml"),
        "title: Benchmark corpus\nverification:\n  every: 90d\n  warn_within: 14d\n",
    )
    .unwrap();

    let mut owners = String::from("people:\n");
    for p in 0..PEOPLE {
        writeln!(owners, "  person{p}:\n    name: Person {p}\n    email: person{p}@example.com\n    github: person{p}gh").unwrap();
    }
    owners.push_str("teams:\n");
    for t in 0..TEAMS {
        let members: Vec<String> = (0..5).map(|m| format!("person{}", t * 5 + m)).collect();
        writeln!(
            owners,
            "  team{t}:\n    name: Team {t}\n    members: [{}]\n    slack: \"#team{t}\"",
            members.join(", ")
        )
        .unwrap();
    }
    fs::write(root.join("owners.yaml"), owners).unwrap();

    for i in 0..count {
        let collection = i % COLLECTIONS;
        let dir = root
            .join(format!("collection-{collection}"))
            .join(format!("topic-{}", (i / COLLECTIONS) % 10));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(format!("card-{i}.md")), card(i, count)).unwrap();
    }
}

fn card(i: usize, count: usize) -> String {
    let team = i % TEAMS;
    let verifier = team * 5 + i % 5;
    // Spread verification over 110 days before 2026-11-25 so states vary.
    let day = 110 - (i * 7919) % 110;
    let verified = jiff_like_date(day);
    let target = (i * 31 + 7) % count;
    let target_dir = format!(
        "collection-{}/topic-{}",
        target % COLLECTIONS,
        (target / COLLECTIONS) % 10
    );
    let mut s = format!(
        "---\ntitle: How to handle case {i} for customers\nowners: [team{team}]\nverified: {verified}\nverified_by: person{verifier}\ntags: [tag{}, tag{}]\n---\n",
        i % 40,
        (i + 3) % 40
    );
    s.push_str("## Overview\n\nThis card explains what support does when a customer reports case ");
    writeln!(s, "{i}. It covers refunds, exports, billing cycles and account access, with the steps to take and the words to use.\n").unwrap();
    s.push_str("## Steps\n\n1. Confirm the customer's plan and region in the admin console.\n2. Check the account's billing history for the last three cycles.\n3. Apply the fix below, then tell the customer what changed.\n\n");
    s.push_str("| Plan | Limit | Notes |\n| --- | --- | --- |\n| Basic | 1,000 | per month |\n| Business | 100,000 | per month |\n| Enterprise | unlimited | by contract |\n\n");
    writeln!(s, "See also [the related card](../../{target_dir}/card-{target}.md#steps) and [this card's overview](#overview).\n").unwrap();
    s.push_str("## Customer-facing language\n\n> We have looked into your account and applied the change. You will see it on your next invoice. Thank you for your patience while we sorted this out.\n\n");
    s.push_str("## Known limitations\n\n- Changes made after the billing cut-off apply to the next cycle.\n- Legacy annual plans follow the old refund policy; escalate those to billing.\n- Exports larger than a million rows are split into several files.\n");
    s
}

/// The date `days_before` days before 2026-11-25, without a date library.
fn jiff_like_date(days_before: usize) -> String {
    let month_days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let (mut year, mut month, mut day) = (2026i32, 11usize, 25i64);
    day -= days_before as i64;
    while day < 1 {
        month -= 1;
        if month == 0 {
            month = 12;
            year -= 1;
        }
        day += month_days[month - 1];
    }
    format!("{year}-{month:02}-{day:02}")
}
