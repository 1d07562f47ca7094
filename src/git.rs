//! The few git questions vouch asks, answered by running the real `git`.
//! Errors carry what the user needs to do about them.

use std::path::{Path, PathBuf};
use std::process::Command;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum GitError {
    #[error("cannot run git: {0}")]
    NotInstalled(std::io::Error),
    #[error("`{}` is not inside a git repository", .0.display())]
    NotARepository(PathBuf),
    #[error(
        "cannot find the merge base with `{reference}`: this is a shallow clone and the history is missing\n  \
         help: fetch the full history (actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`)"
    )]
    ShallowHistory { reference: String },
    #[error(
        "cannot find the merge base with `{reference}`: {message}\n  help: fetch it first, e.g. `git fetch origin {reference}`"
    )]
    UnknownRevision { reference: String, message: String },
    #[error("git {args} failed: {message}")]
    Failed { args: String, message: String },
}

/// A file that changed since a base revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    /// Where a renamed file was at the base revision.
    pub old_path: Option<String>,
    /// A rename that kept every byte: the knowledge did not change.
    pub unchanged_content: bool,
}

/// A repository, addressed through any folder inside it.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The top of the work tree.
    pub top: PathBuf,
    /// Where the folder it was found from lies under the top: `""` at the
    /// top, else `a/b` (no trailing `/`). A pathspec for that folder.
    pub prefix: String,
}

/// Runs git in `dir` and returns its standard output, or why it failed.
pub fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(GitError::NotInstalled)?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(GitError::Failed {
            args: args.join(" "),
            message: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim().to_owned()
}

impl Repo {
    pub fn discover(dir: &Path) -> Result<Repo, GitError> {
        let out = git(dir, &["rev-parse", "--show-toplevel", "--show-prefix"])
            .map_err(|_| GitError::NotARepository(dir.to_path_buf()))?;
        let out = String::from_utf8_lossy(&out);
        let mut lines = out.lines();
        let top = lines.next().unwrap_or_default();
        let prefix = lines.next().unwrap_or_default().trim_end_matches('/');
        Ok(Repo {
            top: PathBuf::from(top),
            prefix: prefix.to_owned(),
        })
    }

    /// The pathspec of the folder the repository was found from.
    pub fn pathspec(&self) -> &str {
        if self.prefix.is_empty() {
            "."
        } else {
            &self.prefix
        }
    }

    /// Whether this is a shallow clone (its oldest commits lack their parents).
    pub fn is_shallow(&self) -> bool {
        git(&self.top, &["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|out| text(out) == "true")
    }

    /// The merge base of `reference` and `HEAD`.
    pub fn merge_base(&self, reference: &str) -> Result<String, GitError> {
        match git(&self.top, &["merge-base", reference, "HEAD"]) {
            Ok(out) => Ok(text(out)),
            Err(GitError::Failed { message, .. }) => {
                if self.is_shallow() {
                    Err(GitError::ShallowHistory {
                        reference: reference.to_owned(),
                    })
                } else {
                    Err(GitError::UnknownRevision {
                        reference: reference.to_owned(),
                        message: if message.is_empty() {
                            "the two histories have no commit in common".to_owned()
                        } else {
                            message
                        },
                    })
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Files added, modified or renamed since `base`, in commits and in the
    /// work tree (untracked files count as added), under `pathspec`; paths
    /// relative to the top.
    pub fn changed_since(&self, base: &str, pathspec: &str) -> Result<Vec<Change>, GitError> {
        let diff = git(
            &self.top,
            &[
                "diff",
                "--name-status",
                "-z",
                "--find-renames",
                "--diff-filter=AMRT",
                base,
                "--",
                pathspec,
            ],
        )?;
        let untracked = git(
            &self.top,
            &[
                "ls-files",
                "-z",
                "--others",
                "--exclude-standard",
                "--",
                pathspec,
            ],
        )?;
        let mut fields = diff
            .split(|&b| b == 0)
            .map(|p| String::from_utf8_lossy(p).into_owned());
        let mut changes = Vec::new();
        while let Some(status) = fields.next().filter(|s| !s.is_empty()) {
            let Some(first) = fields.next() else { break };
            if let Some(score) = status.strip_prefix('R') {
                let Some(path) = fields.next() else { break };
                changes.push(Change {
                    path,
                    old_path: Some(first),
                    unchanged_content: score == "100",
                });
            } else {
                changes.push(Change {
                    path: first,
                    old_path: None,
                    unchanged_content: false,
                });
            }
        }
        for path in untracked.split(|&b| b == 0).filter(|p| !p.is_empty()) {
            changes.push(Change {
                path: String::from_utf8_lossy(path).into_owned(),
                old_path: None,
                unchanged_content: false,
            });
        }
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        changes.dedup_by(|a, b| a.path == b.path);
        Ok(changes)
    }

    /// The content of `path` at `revision`, or `None` when it did not exist there.
    pub fn show(&self, revision: &str, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        let spec = format!("{revision}:{path}");
        match git(&self.top, &["cat-file", "-e", &spec]) {
            Ok(_) => git(&self.top, &["cat-file", "blob", &spec]).map(Some),
            Err(_) => Ok(None),
        }
    }
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
