//! The `vouch` binary: parses arguments, dispatches to `vouch::cmd`, and turns
//! the result into an exit status. Everything else lives in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};
use jiff::civil::Date;

use vouch::cmd::{self, ColorChoice, exit};
use vouch::report::Format;

// Card parsing allocates many small strings on both cores; mimalloc measured
// about 15% faster than the system allocator on 10,000 cards.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for this process. mimalloc asks the
/// kernel for them, and zeroing 2 MB pages on first touch took a fifth of
/// `vouch build`'s CPU time on 10,000 cards (and 40 MB of its peak memory):
/// a short-lived process touches most of what it allocates once.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only this
    // process's memory policy.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Keep internal knowledge true: check cards' owners and verification dates.
#[derive(Debug, Parser)]
#[command(name = "vouch", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate every card and print diagnostics (exit 0 clean, 1 errors or stale, 2 usage)
    Check(CheckArgs),
    /// Check, then write the static site (default: site/ beside the root); exit as check
    Build(BuildArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions { shell: clap_complete::Shell },
    /// Print vouch's man page (roff) to stdout
    Man,
    /// Create a knowledge root with example cards and GitHub workflows (writes nothing over existing files)
    Init(InitArgs),
    /// Write a new card from a template and print its path
    New(NewArgs),
    /// Build, serve on 127.0.0.1, rebuild on change and reload open pages
    Serve(ServeArgs),
    /// Stale and expiring cards grouped by owner, with contacts (always exits 0)
    Report(ReportArgs),
    /// Write .github/CODEOWNERS from owners.yaml, so an owner reviews changes to their cards
    Codeowners(CodeownersArgs),
    /// Record that cards were checked today: set `verified` and `verified_by`, nothing else
    Verify(VerifyArgs),
    /// Bring knowledge in from another tool
    #[command(subcommand)]
    Import(ImportFrom),
    /// Write the published cards in another tool's format
    #[command(subcommand)]
    Export(ExportTo),
}

#[derive(Debug, Subcommand)]
enum ImportFrom {
    /// A Guru collection bundle (zip or folder) becomes a collection of cards (exit 0, 1 with errors, 2 usage)
    Guru(ImportGuruArgs),
}

#[derive(Debug, Subcommand)]
enum ExportTo {
    /// The published cards as a Guru manual-sync bundle (zip)
    Guru(ExportGuruArgs),
}

#[derive(Debug, Args)]
struct ImportGuruArgs {
    /// The bundle: a .zip file or an unpacked folder
    #[arg(value_name = "ZIP_OR_DIR")]
    source: PathBuf,
    /// The knowledge root to import into (created when missing or empty; default as for check)
    #[arg(long, value_name = "ROOT")]
    into: Option<PathBuf>,
    /// The collection (folder under the root) to import into (default: from the bundle's name)
    #[arg(long, short)]
    collection: Option<String>,
    /// The owner of the new cards (a bundle names none)
    #[arg(long)]
    owner: Option<String>,
    /// Record the import day as the new cards' `verified` date (only when someone checked the bundle's cards as they are); by default they arrive unverified
    #[arg(long)]
    verified: bool,
    /// The date to record as `verified` instead of today's UTC date
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    today: Option<Date>,
    /// When to color the output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Args)]
struct ExportGuruArgs {
    /// The knowledge root (default: the nearest folder up from here holding vouch.yaml or knowledge/vouch.yaml)
    root: Option<PathBuf>,
    /// The zip file to write
    #[arg(long, short, value_name = "ZIP")]
    out: PathBuf,
    /// When to color the output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Args)]
struct CodeownersArgs {
    /// The knowledge root (default: the nearest folder up from here holding vouch.yaml or knowledge/vouch.yaml)
    root: Option<PathBuf>,
    /// Write nothing: exit 1 when the file is missing or out of date
    #[arg(long)]
    check: bool,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// The folder to create the knowledge root in (default: knowledge)
    dir: Option<PathBuf>,
    /// The verification date of the example cards instead of today's UTC date
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    today: Option<Date>,
}

#[derive(Debug, Args)]
struct NewArgs {
    /// The card template: card, faq, feature-breakdown, how-to, troubleshooting, playbook, escalation, or the root's own
    template: String,
    /// The card's title; the file name is made from it
    title: String,
    /// The collection (top-level folder) to put the card in
    #[arg(long, short)]
    collection: Option<String>,
    /// The owner (default: you, from git, when owners.yaml lists you)
    #[arg(long)]
    owner: Option<String>,
    /// The card's language (BCP 47), when it differs from the site's
    #[arg(long)]
    lang: Option<String>,
    /// The knowledge root (default: the nearest folder up from here holding vouch.yaml or knowledge/vouch.yaml)
    #[arg(long, value_name = "ROOT")]
    root: Option<PathBuf>,
    /// The verification date to write instead of today's UTC date
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    today: Option<Date>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// The knowledge root (default: the nearest folder up from here holding vouch.yaml or knowledge/vouch.yaml)
    root: Option<PathBuf>,
    /// The port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 4000)]
    port: u16,
    /// Open the site in the default browser
    #[arg(long)]
    open: bool,
    /// Evaluate freshness on this date instead of today's UTC date
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    today: Option<Date>,
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// The knowledge root (default: the nearest folder up from here holding vouch.yaml or knowledge/vouch.yaml)
    root: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = cmd::report::ReportFormat::Markdown)]
    format: cmd::report::ReportFormat,
    /// Evaluate freshness on this date instead of today's UTC date
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    today: Option<Date>,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// The card files to verify
    cards: Vec<PathBuf>,
    /// Who verified them (default: the git user, matched by email or name in owners.yaml)
    #[arg(long, value_name = "PERSON")]
    by: Option<String>,
    /// Also verify every stale card the verifier may verify: lists them and asks first
    #[arg(long)]
    stale: bool,
    /// With --stale: verify the listed cards without asking (for scripts)
    #[arg(long, requires = "stale")]
    yes: bool,
    /// The knowledge root for --stale (default: the root holding the first card, else as for check)
    #[arg(long, value_name = "ROOT")]
    root: Option<PathBuf>,
    /// The date to record instead of today's UTC date
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    today: Option<Date>,
}

#[derive(Debug, Args)]
struct BuildArgs {
    /// The knowledge root (default: the nearest folder up from here holding vouch.yaml or knowledge/vouch.yaml)
    root: Option<PathBuf>,
    /// Where to write the site (default: site/ beside the root)
    #[arg(long, short, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// The knowledge root, or card files to check alone as an editor or a pre-commit hook does (default: the nearest folder up from here holding vouch.yaml or knowledge/vouch.yaml)
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Require every card changed since the merge base with REF to be re-verified
    #[arg(long, value_name = "REF")]
    changed_since: Option<String>,
    #[command(flatten)]
    common: Common,
}

/// Options every checking command takes.
#[derive(Debug, Args)]
struct Common {
    /// Evaluate freshness on this date instead of today's UTC date
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    today: Option<Date>,
    /// Output format (default: github when GITHUB_ACTIONS=true, else human)
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Print errors only: no warnings, notes or summary
    #[arg(long, short)]
    quiet: bool,
    /// When to color the output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Do not read git history (last changed dates, changed-after-verification)
    #[arg(long)]
    no_history: bool,
}

fn parse_today(s: &str) -> Result<Date, String> {
    vouch::stamp::parse_date(s).ok_or_else(|| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

impl Common {
    fn report(&self) -> vouch::report::Options {
        let in_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
        vouch::report::Options {
            format: self.format.unwrap_or(if in_actions {
                Format::Github
            } else {
                Format::Human
            }),
            color: self.color.enabled(),
            quiet: self.quiet,
        }
    }

    fn today(&self) -> Date {
        self.today.unwrap_or_else(vouch::utc_today)
    }
}

/// A file named like a card: what `vouch check PATH...` checks alone.
fn is_card_file(path: &std::path::Path) -> bool {
    path.is_file() && vouch::model::card::card_id(&path.to_string_lossy()).is_some()
}

fn main() -> ExitCode {
    no_huge_pages();
    // Ctrl-C or SIGTERM mid-build: remove the half-written staging folder
    // (and `serve`'s temporary site) before exiting as interrupted.
    let _ = ctrlc::set_handler(|| {
        vouch::write::clean_up_interrupted();
        std::process::exit(130);
    });
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(args) => cmd::check::run(&cmd::check::Options {
            // One path that is not a card file is the root (and its
            // errors say so); otherwise the paths are cards.
            root: match args.paths.as_slice() {
                [one] if !is_card_file(one) => Some(one.clone()),
                _ => None,
            },
            files: match args.paths.as_slice() {
                [one] if !is_card_file(one) => Vec::new(),
                paths => paths.to_vec(),
            },
            today: args.common.today(),
            changed_since: args.changed_since.clone(),
            history: !args.common.no_history,
            report: args.common.report(),
        }),
        Command::Build(args) => cmd::build::run(&cmd::build::Options {
            root: args.root.clone(),
            out: args.out.clone(),
            today: args.common.today(),
            history: !args.common.no_history,
            report: args.common.report(),
        }),
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "vouch", &mut std::io::stdout());
            Ok(exit::OK)
        }
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(&mut std::io::stdout())
            .map(|()| exit::OK)
            .map_err(Into::into),
        Command::Codeowners(args) => cmd::codeowners::run(&cmd::codeowners::Options {
            root: args.root.clone(),
            check: args.check,
        }),
        Command::Init(args) => cmd::init::run(&cmd::init::Options {
            dir: args.dir.clone(),
            today: args.today.unwrap_or_else(vouch::utc_today),
        }),
        Command::New(args) => cmd::new::run(&cmd::new::Options {
            root: args.root.clone(),
            template: args.template.clone(),
            title: args.title.clone(),
            collection: args.collection.clone(),
            owner: args.owner.clone(),
            lang: args.lang.clone(),
            today: args.today.unwrap_or_else(vouch::utc_today),
        }),
        Command::Serve(args) => cmd::serve::run(&cmd::serve::Options {
            root: args.root.clone(),
            port: args.port,
            open: args.open,
            today: args.today,
        }),
        Command::Report(args) => cmd::report::run(&cmd::report::Options {
            root: args.root.clone(),
            format: args.format,
            today: args.today.unwrap_or_else(vouch::utc_today),
        }),
        Command::Import(ImportFrom::Guru(args)) => {
            cmd::guru::run_import(&cmd::guru::ImportOptions {
                source: args.source.clone(),
                into: args.into.clone(),
                collection: args.collection.clone(),
                owner: args.owner.clone(),
                verified: args.verified,
                today: args.today.unwrap_or_else(vouch::utc_today),
                color: args.color.enabled(),
            })
        }
        Command::Export(ExportTo::Guru(args)) => cmd::guru::run_export(&cmd::guru::ExportOptions {
            root: args.root.clone(),
            out: args.out.clone(),
            color: args.color.enabled(),
        }),
        Command::Verify(args) => cmd::verify::run(&cmd::verify::Options {
            cards: args.cards.clone(),
            by: args.by.clone(),
            today: args.today.unwrap_or_else(vouch::utc_today),
            stale: args.stale,
            yes: args.yes,
            root: args.root.clone(),
        }),
    };
    match result {
        Ok(status) => ExitCode::from(status as u8),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(exit::USAGE as u8)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
