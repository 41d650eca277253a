//! The application state handed to every handler: one `Clone` struct.

use sqlx::PgPool;

/// Shared by all requests; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The one database pool.
    pub pool: PgPool,
}

impl AppState {
    /// State over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}
