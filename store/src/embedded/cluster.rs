//! The private server's folders: a data folder made by `initdb` when it is empty, a short
//! socket folder under /tmp, and the removal of a lock file that a crashed server left behind.

use std::path::{Path, PathBuf};

use super::binaries::Binaries;
use super::user::RunAs;
use crate::StoreError;

/// The folders one server runs with.
#[derive(Debug, Clone)]
pub struct Folders {
    /// The data folder (`-D`).
    pub data: PathBuf,
    /// Where the server puts its Unix socket (`-k`); short, since socket paths are limited to
    /// about 100 bytes.
    pub socket: PathBuf,
    /// The server's log.
    pub log: PathBuf,
    /// Removed once the server has stopped: the socket folder, or for a temporary server
    /// everything.
    pub remove_after: PathBuf,
}

/// Folders for a temporary server: all under one fresh folder in /tmp, removed when it stops.
pub fn temporary(run_as: &RunAs) -> Result<Folders, StoreError> {
    let base = fresh_tmp_dir("bedrift-pg", run_as)?;
    let data = base.join("data");
    create_private_dir(&data, run_as)?;
    Ok(Folders {
        log: base.join("server.log"),
        socket: base.clone(),
        data,
        remove_after: base,
    })
}

/// Folders for a server whose data stays in `data_dir` from one run to the next.
pub fn persistent(data_dir: &Path, run_as: &RunAs) -> Result<Folders, StoreError> {
    if data_dir.exists() {
        // A folder from a run as another user: the server's user must own all of it.
        run_as.hand_over_tree(data_dir)?;
    }
    create_private_dir(data_dir, run_as)?;
    run_as.check_writable(data_dir)?;
    let socket = fresh_tmp_dir("bedrift-sock", run_as)?;
    Ok(Folders {
        data: data_dir.to_owned(),
        log: data_dir.join("server.log"),
        remove_after: socket.clone(),
        socket,
    })
}

/// Runs `initdb` unless the data folder already holds a cluster.
pub fn init_if_empty(
    binaries: &Binaries,
    run_as: &RunAs,
    data: &Path,
    durable: bool,
) -> Result<(), StoreError> {
    if data.join("PG_VERSION").is_file() {
        return Ok(());
    }
    let not_empty = std::fs::read_dir(data)
        .map(|mut entries| entries.next().is_some())
        .unwrap_or(false);
    if not_empty {
        return Err(StoreError::EmbeddedServer(format!(
            "{} is neither empty nor a PostgreSQL data folder; empty it or point \
             BEDRIFT_DATA_DIR elsewhere",
            data.display()
        )));
    }
    // C.UTF-8 keeps byte order for sorting yet knows the case of letters like Æ, Ø and Å;
    // systems without that locale (macOS) get plain C.
    let mut last_error = String::new();
    for locale in ["C.UTF-8", "C"] {
        let mut command = run_as.command(&binaries.initdb);
        command
            .arg("-D")
            .arg(data)
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8"])
            .arg(format!("--locale={locale}"));
        if !durable {
            command.arg("--no-sync");
        }
        let output = command.output().map_err(|e| {
            StoreError::EmbeddedServer(format!("cannot run {}: {e}", binaries.initdb.display()))
        })?;
        if output.status.success() {
            return Ok(());
        }
        last_error = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    }
    Err(StoreError::EmbeddedServer(format!(
        "initdb failed for {}: {last_error}",
        data.display()
    )))
}

/// Removes `postmaster.pid` when the process it names is gone (the machine or container was
/// stopped without the server shutting down), and refuses when another server still runs on
/// the folder. Without /proc the check is left to the server, which does its own.
pub fn clear_stale_lock(data: &Path) -> Result<(), StoreError> {
    let lock = data.join("postmaster.pid");
    let Ok(text) = std::fs::read_to_string(&lock) else {
        return Ok(());
    };
    if !Path::new("/proc/self").exists() {
        return Ok(());
    }
    let pid = text.lines().next().unwrap_or("").trim();
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    if !pid.is_empty() && (comm.starts_with("postgres") || comm.starts_with("postmaster")) {
        return Err(StoreError::EmbeddedServer(format!(
            "another PostgreSQL (pid {pid}) is running on {}; stop it (is another `bedrift` \
             running?) or set BEDRIFT_DATA_DIR to another folder",
            data.display()
        )));
    }
    tracing::info!(data = %data.display(), pid, "removing the lock file of a server that is gone");
    std::fs::remove_file(&lock)
        .map_err(|e| StoreError::EmbeddedServer(format!("cannot remove {}: {e}", lock.display())))
}

/// The last lines of the server's log, for error messages.
pub fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

fn fresh_tmp_dir(prefix: &str, run_as: &RunAs) -> Result<PathBuf, StoreError> {
    // /tmp rather than TMPDIR, which is long on macOS: the socket path must stay short.
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let dir = PathBuf::from(format!("/tmp/{prefix}-{}", &unique[..12]));
    create_private_dir(&dir, run_as)?;
    Ok(dir)
}

fn create_private_dir(dir: &Path, run_as: &RunAs) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    let fail = |e: std::io::Error| {
        StoreError::EmbeddedServer(format!("cannot create {}: {e}", dir.display()))
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(fail)?;
    run_as.hand_over(dir)
}
