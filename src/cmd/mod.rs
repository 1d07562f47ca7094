//! One module per subcommand. Each takes its options struct, runs the library,
//! and returns the process exit status; none holds logic the library lacks.

pub mod build;
pub mod check;
pub mod codeowners;
pub mod guru;
pub mod init;
pub mod new;
pub mod report;
pub mod serve;
pub mod verify;

use std::io::IsTerminal;

use crate::resolve::Root;

/// Exit statuses shared by every command.
pub mod exit {
    /// Everything is fine.
    pub const OK: i32 = 0;
    /// Errors, or cards that fail the `fail_on` policy.
    pub const FAILED: i32 = 1;
    /// Bad usage, or a root that cannot be read.
    pub const USAGE: i32 = 2;
}

/// Finds and loads the knowledge root, or says why not and gives the exit
/// status for it.
pub fn open_root(root: Option<&std::path::Path>) -> Result<crate::load::Workspace, i32> {
    crate::load::find_root(root)
        .and_then(|root| crate::load::load(&root))
        .map_err(|e| {
            eprintln!("error: {e}");
            exit::USAGE
        })
}

/// Finds and opens the knowledge root with what git knows of it (history
/// only when `history` is on), or says why not.
pub fn open(root: Option<&std::path::Path>, history: bool) -> Result<Root, i32> {
    crate::load::find_root(root)
        .and_then(|root| Root::open(&root, history))
        .map_err(|e| {
            eprintln!("error: {e}");
            exit::USAGE
        })
}

/// `--color` as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to color stdout: `auto` colors a terminal unless `NO_COLOR` is set.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// Hands a command's loaded root and model to the process's exit instead of
/// freeing them piece by piece: tens of thousands of strings that the
/// operating system reclaims at once (a tenth of `check`'s time at 10,000
/// cards). Only for values whose drop does nothing else.
pub(crate) fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}
