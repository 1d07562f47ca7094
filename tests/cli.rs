//! CLI behaviour as data: each `tests/cmd/NAME.md` runs `vouch` in the knowledge
//! root `tests/cmd/NAME.in/` and compares output and exit status with what the
//! file says. `TRYCMD=overwrite cargo test --test cli` rewrites the expectations.

#[test]
fn cli_cases() {
    // The cases choose the format themselves; a GITHUB_ACTIONS inherited from
    // the CI running these tests must not switch the default. trycmd lets a
    // global `env` override a case's own, so the variable is removed here.
    // SAFETY: this test binary has this one test, so no other thread reads the
    // environment while it changes.
    unsafe { std::env::remove_var("GITHUB_ACTIONS") };
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        // The cases live in vouch's own repository; git must not find it, or
        // its history (and a shallow CI clone's note) would enter the outputs.
        .env(
            "GIT_CEILING_DIRECTORIES",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests"),
        )
        .case("tests/cmd/*.md");
}
