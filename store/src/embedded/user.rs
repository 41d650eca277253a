//! Which user runs the private server. PostgreSQL refuses to run as root, and CI (and often
//! containers) run as root, so there the server runs as the `postgres` system user that the
//! server package creates, through `setpriv` or `runuser`, and owns its folders.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use crate::StoreError;

/// The system user that runs the server when we are root.
const SERVER_USER: &str = "postgres";

/// How to start the server's programs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunAs {
    /// As ourselves (we are not root).
    CurrentUser,
    /// As the `postgres` system user, because we are root.
    ServerUser {
        /// Its user id.
        uid: u32,
        /// Its primary group id.
        gid: u32,
        /// The program and arguments that switch to it before the command.
        launcher: Vec<String>,
    },
}

impl RunAs {
    /// Decides from our effective user id (`id -u`; the workspace forbids the unsafe call).
    pub fn detect() -> Result<Self, StoreError> {
        if id(&["-u"])? != 0 {
            return Ok(Self::CurrentUser);
        }
        let not_found = || {
            StoreError::EmbeddedServer(format!(
                "running as root, and PostgreSQL refuses to run as root; there is no `{SERVER_USER}` \
                 user to run it as. Install the PostgreSQL server package (it creates the user), \
                 create the user (`useradd --system {SERVER_USER}`), or set DATABASE_URL"
            ))
        };
        let uid = id(&["-u", SERVER_USER]).map_err(|_| not_found())?;
        let gid = id(&["-g", SERVER_USER]).map_err(|_| not_found())?;
        let launcher = if program_exists("setpriv") {
            vec![
                "setpriv".to_owned(),
                format!("--reuid={SERVER_USER}"),
                format!("--regid={SERVER_USER}"),
                "--init-groups".to_owned(),
            ]
        } else if program_exists("runuser") {
            ["runuser", "-u", SERVER_USER, "--"]
                .map(str::to_owned)
                .to_vec()
        } else {
            return Err(StoreError::EmbeddedServer(format!(
                "running as root, and PostgreSQL refuses to run as root; neither `setpriv` nor \
                 `runuser` (util-linux) is installed to switch to the `{SERVER_USER}` user. \
                 Install util-linux, run as another user, or set DATABASE_URL"
            )));
        };
        Ok(Self::ServerUser { uid, gid, launcher })
    }

    /// A command that runs `program` as the server's user.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = match self {
            Self::CurrentUser => Command::new(program),
            Self::ServerUser { launcher, .. } => {
                let mut command = Command::new(&launcher[0]);
                command.args(&launcher[1..]).arg(program);
                command
            }
        };
        // The server user may not be allowed into our working folder; every path is absolute.
        command.current_dir("/");
        command
    }

    /// Gives `path` (not recursively) to the server's user, so it can write there.
    pub fn hand_over(&self, path: &Path) -> Result<(), StoreError> {
        match self {
            Self::CurrentUser => Ok(()),
            Self::ServerUser { uid, gid, .. } => {
                std::os::unix::fs::chown(path, Some(*uid), Some(*gid)).map_err(|e| {
                    StoreError::EmbeddedServer(format!(
                        "cannot give {} to the {SERVER_USER} user: {e}",
                        path.display()
                    ))
                })
            }
        }
    }

    /// Gives `path` and everything in it to the server's user, unless it already owns `path`.
    pub fn hand_over_tree(&self, path: &Path) -> Result<(), StoreError> {
        use std::os::unix::fs::MetadataExt;
        let Self::ServerUser { uid, gid, .. } = self else {
            return Ok(());
        };
        let owner = std::fs::metadata(path).map(|meta| meta.uid()).ok();
        if owner == Some(*uid) {
            return Ok(());
        }
        let status = Command::new("chown")
            .arg("-R")
            .arg(format!("{uid}:{gid}"))
            .arg(path)
            .status();
        match status {
            Ok(status) if status.success() => Ok(()),
            other => Err(StoreError::EmbeddedServer(format!(
                "cannot give {} to the {SERVER_USER} user (chown -R: {other:?})",
                path.display()
            ))),
        }
    }

    /// Fails with a clear message when the server's user cannot write to `dir` (for example a
    /// project checked out under /root, which other users cannot enter).
    pub fn check_writable(&self, dir: &Path) -> Result<(), StoreError> {
        if *self == Self::CurrentUser {
            return Ok(());
        }
        let status = self
            .command("sh")
            .args([
                "-c",
                "test -d \"$1\" && test -w \"$1\" && test -x \"$1\"",
                "sh",
            ])
            .arg(dir)
            .status();
        match status {
            Ok(status) if status.success() => Ok(()),
            _ => Err(StoreError::EmbeddedServer(format!(
                "the {SERVER_USER} user, which runs the private PostgreSQL because we run as \
                 root, cannot write to {}; set BEDRIFT_DATA_DIR to a folder it can reach (for \
                 example /var/tmp/bedrift) or set DATABASE_URL",
                dir.display()
            ))),
        }
    }
}

fn id(args: &[&str]) -> Result<u32, StoreError> {
    let output = Command::new("id")
        .args(args)
        .output()
        .map_err(|e| StoreError::EmbeddedServer(format!("cannot run `id`: {e}")))?;
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .ok()
        .filter(|_| output.status.success())
        .ok_or_else(|| {
            StoreError::EmbeddedServer(format!(
                "`id {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        })
}

fn program_exists(name: &str) -> bool {
    std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
        .unwrap_or(false)
}
