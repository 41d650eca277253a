//! Delivering the outbox (SPEC.md "Notifications"): messages are written to the `outbox` table
//! in the transaction of their cause (auth messages by [`crate::auth`], event-driven ones by the
//! projector); the [`Dispatcher`] sends them through the providers the settings choose (the log
//! by default, an HTTP SMS gateway, SMTP) and signed webhooks to the endpoints operators
//! configured (see [`webhook`]), with retries and back-off.

pub mod digest;
mod dispatcher;
mod email;
mod error;
pub mod settings;
mod sms;
pub mod webhook;

pub use digest::DigestJob;
pub use dispatcher::{backoff, Dispatcher, Round};
pub use email::{EmailProvider, SmtpMailer};
pub use error::NotificationError;
pub use settings::DeliverySettings;
pub use sms::{render as render_sms_body, HttpGateway, SmsProvider};
