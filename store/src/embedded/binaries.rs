//! Finds the installed PostgreSQL server programs (`initdb` and `postgres`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::StoreError;

/// What to tell someone who has no PostgreSQL server installed.
pub const INSTALL_HINT: &str = "no PostgreSQL server found (looked for `initdb` and `postgres` \
     in PATH, in `pg_config --bindir` and in /usr/lib/postgresql/*/bin). Install the PostgreSQL \
     server: `apt-get install postgresql` on Debian/Ubuntu, `dnf install postgresql-server` on \
     Fedora, `brew install postgresql@16` on macOS; or set DATABASE_URL to use a running server";

/// The two server programs, from one installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binaries {
    /// `initdb`, creates a data folder.
    pub initdb: PathBuf,
    /// `postgres`, the server.
    pub postgres: PathBuf,
}

impl Binaries {
    /// The first folder that holds both programs, searched in this order: PATH, the output of
    /// `pg_config --bindir`, the newest `/usr/lib/postgresql/<version>/bin`, then the usual
    /// Homebrew and PGDG folders.
    pub fn find() -> Result<Self, StoreError> {
        candidate_dirs()
            .into_iter()
            .find_map(|dir| Self::in_dir(&dir))
            .ok_or_else(|| StoreError::EmbeddedServer(INSTALL_HINT.to_owned()))
    }

    fn in_dir(dir: &Path) -> Option<Self> {
        let initdb = dir.join("initdb");
        let postgres = dir.join("postgres");
        (is_program(&initdb) && is_program(&postgres)).then_some(Self { initdb, postgres })
    }
}

fn candidate_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    if let Some(bindir) = pg_config_bindir() {
        dirs.push(bindir);
    }
    for pattern_parent in [
        "/usr/lib/postgresql",
        "/opt/homebrew/opt",
        "/usr/local/opt",
        "/usr",
    ] {
        dirs.extend(versioned_dirs(Path::new(pattern_parent)));
    }
    dirs
}

fn pg_config_bindir() -> Option<PathBuf> {
    let output = Command::new("pg_config").arg("--bindir").output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let dir = text.trim();
    (output.status.success() && !dir.is_empty()).then(|| PathBuf::from(dir))
}

/// `<parent>/<version>/bin` (Debian), `<parent>/postgresql@<version>/bin` (Homebrew) and
/// `<parent>/pgsql-<version>/bin` (PGDG), newest version first.
fn versioned_dirs(parent: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut found: Vec<(Vec<u32>, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let version = name
                .strip_prefix("postgresql@")
                .or_else(|| name.strip_prefix("pgsql-"))
                .or_else(|| (parent.ends_with("postgresql")).then_some(name.as_str()))?;
            Some((parse_version(version)?, entry.path().join("bin")))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0));
    found.into_iter().map(|(_, dir)| dir).collect()
}

fn parse_version(text: &str) -> Option<Vec<u32>> {
    text.split('.').map(|part| part.parse().ok()).collect()
}

fn is_program(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert!(parse_version("16").unwrap() > parse_version("9.6").unwrap());
        assert!(parse_version("main").is_none());
    }

    #[test]
    fn the_install_hint_names_the_packages() {
        assert!(INSTALL_HINT.contains("apt-get install postgresql"));
        assert!(INSTALL_HINT.contains("brew install postgresql@16"));
        assert!(INSTALL_HINT.contains("DATABASE_URL"));
    }
}
