//! The README's usage block must match `vouch check --help`, so the docs cannot
//! drift from the binary (lychee's habit).

use std::process::Command;

#[test]
fn readme_usage_matches_help() {
    let output = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(["check", "--help"])
        .output()
        .expect("vouch runs");
    let help = String::from_utf8(output.stdout).unwrap();
    // The usage block starts at "Usage:"; the first line is the about text.
    let usage = &help[help.find("Usage:").expect("help has a usage line")..];
    let normalize = |s: &str| {
        s.lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned()
    };
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("```text\n")
        .map(|b| b.split("```").next().unwrap_or_default())
        .find(|b| b.starts_with("Usage: vouch check"))
        .expect("README has a ```text block with `vouch check`'s usage");
    assert_eq!(
        normalize(block),
        normalize(usage),
        "update README.md's usage block"
    );
}
