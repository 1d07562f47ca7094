//! One module per subcommand. Each takes its options struct, runs the library,
//! and returns the process exit status; none holds logic the library lacks.

pub mod build;
pub mod check;
pub mod guru;
pub mod init;
pub mod new;
pub mod report;
pub mod serve;
pub mod verify;

use std::io::IsTerminal;

use crate::history::Outcome;
use crate::validate::Checked;

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

/// Finds, loads and checks the knowledge root, and reads its git history
/// meanwhile (the one `git log` pass costs about as much as everything else
/// together, so it starts first and runs beside the rest), then adds what
/// the history says.
pub fn open_and_check(
    root: Option<&std::path::Path>,
    today: jiff::civil::Date,
    history: bool,
) -> Result<(crate::load::Workspace, Checked, Outcome), i32> {
    let root = crate::load::find_root(root).map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE
    })?;
    let (ws, mut checked, outcome) = std::thread::scope(|scope| {
        let history = scope.spawn(|| {
            if history {
                crate::history::read(&root)
            } else {
                Outcome::Off
            }
        });
        let loaded = crate::load::load(&root).map(|ws| {
            let checked = crate::validate::validate(&ws, today);
            (ws, checked)
        });
        let outcome = history.join().unwrap_or(Outcome::Off);
        loaded.map(|(ws, checked)| (ws, checked, outcome))
    })
    .map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE
    })?;
    crate::validate::history::apply(&ws, &outcome, &mut checked);
    Ok((ws, checked, outcome))
}

/// Who the git configuration says the user is.
pub struct GitUser {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// The git user of the repository around `dir` (or the global one).
pub fn git_user(dir: &std::path::Path) -> Option<GitUser> {
    let get = |key: &str| {
        std::process::Command::new("git")
            .args(["config", key])
            .current_dir(dir)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let user = GitUser {
        name: get("user.name"),
        email: get("user.email"),
    };
    (user.name.is_some() || user.email.is_some()).then_some(user)
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
