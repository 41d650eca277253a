//! The read side of Bedriftsbillett: the projector that folds the event log into typed
//! read-model tables, rebuilding them from scratch and comparing them with a rebuild, and the
//! queries over them.

mod batch;
pub mod compare;
mod error;
pub mod event;
pub mod listing;
mod projector;
pub mod queries;
pub mod read_models;
pub mod rebuild;

pub use batch::{apply_next_batch, projected_position, read_safe};
pub use bedrift_store::LogPosition;
pub use error::ProjectionError;
pub use projector::{wait_for_position, Projector, ProjectorSettings, PROJECTOR_LOCK_KEY};
pub use read_models::ReadModel;
