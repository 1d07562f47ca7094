//! Property test of `vouch verify`'s edit: for any front-matter layout (key
//! order, comments, quoting, blank lines, CRLF, a byte-order mark), only the
//! verification values change; every other line and the body stay byte for
//! byte.

use proptest::prelude::*;
use vouch::edit::set_verification;

fn quoted(value: &str, style: u8) -> String {
    match style % 3 {
        0 => value.to_owned(),
        1 => format!("'{value}'"),
        _ => format!("\"{value}\""),
    }
}

/// A front-matter line that is not about verification.
fn other_line() -> impl Strategy<Value = String> {
    prop_oneof![
        ("[A-Za-z][A-Za-z ]{0,20}", any::<u8>())
            .prop_map(|(t, q)| format!("title: {}", quoted(t.trim_end(), q))),
        Just("owners: [billing, \"@maria\"]".to_owned()),
        Just("tags:\n  - refunds\n  - billing".to_owned()),
        "[a-z ]{0,30}".prop_map(|c| format!("# {c}")),
        Just(String::new()),
        "[a-z]{1,8}".prop_map(|v| format!("x-note: {v}   # trailing comment")),
        Just("verify_every: 6 months".to_owned()),
    ]
}

prop_compose! {
    fn card()(
        others in prop::collection::vec(other_line(), 0..6),
        verified in prop::option::of(("20[0-2][0-9]-0[1-9]-1[0-9]", any::<u8>())),
        verified_by in prop::option::of(("[a-z]{2,8}", any::<u8>())),
        positions in (any::<prop::sample::Index>(), any::<prop::sample::Index>()),
        crlf in any::<bool>(),
        bom in any::<bool>(),
        body in "[A-Za-z .#\n-]{0,80}",
    ) -> (String, bool) {
        // One line per key: a duplicate key is not valid YAML.
        let mut seen = std::collections::HashSet::new();
        let mut lines: Vec<String> = others
            .into_iter()
            .filter(|l| l.is_empty() || l.starts_with('#') || seen.insert(l.split(':').next().unwrap_or_default().to_owned()))
            .collect();
        if let Some((date, q)) = verified {
            let at = positions.0.index(lines.len() + 1);
            lines.insert(at, format!("verified: {}", quoted(&date, q)));
        }
        if let Some((who, q)) = verified_by {
            let at = positions.1.index(lines.len() + 1);
            lines.insert(at, format!("verified_by: {}", quoted(&who, q)));
        }
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        if bom { text.push('\u{feff}'); }
        text.push_str(&format!("---{nl}"));
        for line in lines {
            text.push_str(&line.replace('\n', nl));
            text.push_str(nl);
        }
        text.push_str(&format!("---{nl}"));
        text.push_str(&body.replace('\n', nl));
        (text, crlf)
    }
}

fn is_verification(line: &str) -> bool {
    line.starts_with("verified:") || line.starts_with("verified_by:")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn only_the_verification_values_change((text, crlf) in card()) {
        let date: jiff::civil::Date = "2026-11-25".parse().unwrap();
        let out = set_verification(&text, date, "ana").expect("a valid card edits");
        let nl = if crlf { "\r\n" } else { "\n" };
        let kept = |s: &str| s.split(nl).filter(|l| !is_verification(l)).map(str::to_owned).collect::<Vec<_>>();
        prop_assert_eq!(kept(&out), kept(&text), "lines other than the verification changed");
        let edited: Vec<&str> = out.split(nl).filter(|l| is_verification(l)).collect();
        prop_assert_eq!(edited.len(), 2);
        for line in edited {
            prop_assert!(line.contains("2026-11-25") || line.contains("ana"), "{}", line);
        }
        prop_assert!(!crlf || !out.replace("\r\n", "").contains('\n'), "line endings stay CRLF");
        // Editing again changes nothing more.
        prop_assert_eq!(set_verification(&out, date, "ana").unwrap(), out);
    }
}
