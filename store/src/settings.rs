//! Database settings, read once from the environment: an external server (`DATABASE_URL`) or a
//! private one in a data folder (`BEDRIFT_DATA_DIR`).

use std::path::PathBuf;

use crate::StoreError;

/// The data folder of the private server when `BEDRIFT_DATA_DIR` is not set.
pub const DEFAULT_DATA_DIR: &str = ".bedrift/postgres";

/// Connections in the shared pool when `DATABASE_MAX_CONNECTIONS` is not set.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 16;

/// Where the database is and how many connections to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseSettings {
    /// `DATABASE_URL`: an external PostgreSQL. `None` starts a private server.
    pub url: Option<String>,
    /// `BEDRIFT_DATA_DIR`: the private server's data folder (absolute). Unused with `url`.
    pub data_dir: PathBuf,
    /// `DATABASE_MAX_CONNECTIONS`: size of the shared pool.
    pub max_connections: u32,
}

impl DatabaseSettings {
    /// Reads `DATABASE_URL`, `BEDRIFT_DATA_DIR` and `DATABASE_MAX_CONNECTIONS`; empty values
    /// count as unset.
    pub fn from_env() -> Result<Self, StoreError> {
        let url = non_empty_var("DATABASE_URL");
        let data_dir = absolute(PathBuf::from(
            non_empty_var("BEDRIFT_DATA_DIR").unwrap_or_else(|| DEFAULT_DATA_DIR.to_owned()),
        ))?;
        let max_connections = match non_empty_var("DATABASE_MAX_CONNECTIONS") {
            None => DEFAULT_MAX_CONNECTIONS,
            Some(text) => {
                text.parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| StoreError::Settings {
                        name: "DATABASE_MAX_CONNECTIONS",
                        message: format!("expected a positive number, got {text:?}"),
                    })?
            }
        };
        Ok(Self {
            url,
            data_dir,
            max_connections,
        })
    }
}

fn non_empty_var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// Makes a relative data folder absolute, since the server runs with another working folder.
fn absolute(path: PathBuf) -> Result<PathBuf, StoreError> {
    if path.is_absolute() {
        return Ok(path);
    }
    let cwd = std::env::current_dir().map_err(|e| StoreError::Settings {
        name: "BEDRIFT_DATA_DIR",
        message: format!("cannot resolve a relative folder: {e}"),
    })?;
    Ok(cwd.join(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_data_folder_is_resolved_against_the_working_folder() {
        let resolved = absolute(PathBuf::from("x/y")).expect("cwd exists");
        assert!(resolved.is_absolute());
        assert!(resolved.ends_with("x/y"));
    }
}
