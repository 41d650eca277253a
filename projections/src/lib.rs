//! The read side of Bedriftsbillett: the projector that folds the event log into typed
//! read-model tables, rebuilding them from scratch and comparing them with a rebuild, the
//! queries over them, and the messages and webhooks that events cause (queued in the outbox
//! with the projector's batch).

mod batch;
pub mod compare;
pub mod digest;
mod error;
pub mod event;
pub mod listing;
mod notices;
pub mod notifications;
pub mod outbox;
mod projector;
pub mod queries;
pub mod read_models;
pub mod rebuild;
mod role;
pub mod ticket_links;
pub mod ticket_search;
pub mod webhooks;

pub use batch::{
    apply_next_batch, apply_next_batch_notifying, hold_back_batches, projected_position, read_safe,
};
pub use bedrift_store::LogPosition;
pub use error::ProjectionError;
pub use notifications::NotificationSettings;
pub use projector::{wait_for_position, Projector, ProjectorSettings, PROJECTOR_LOCK_KEY};
pub use read_models::ReadModel;
pub use role::ProjectorRole;
