//! Authentication (SPEC.md "Security"): operator and administrator accounts with argon2id
//! passwords, one-time links (invitation, password reset, first operator), sessions behind
//! opaque bearer tokens, employee login by SMS code with rate limits, and queueing their
//! messages in the outbox.
//!
//! Plain async functions over PostgreSQL; the GraphQL layer calls them and maps [`AuthError`]
//! to API codes. Time always comes from the [`Clock`](bedrift_domain::clock::Clock) passed in.
//! Secrets (tokens, codes) are stored only as hashes, and functions that create one return it
//! only so the caller can put it in the outbox in the same transaction: never in a response.

pub(crate) mod accounts;
mod error;
mod first_operator;
mod invitation;
mod maintenance;
mod mask;
mod messages;
mod outbox;
mod password;
mod rate_limit;
mod reset;
mod secret;
mod sessions;
mod sms_login;
mod tokens;
mod weak_password;

pub use accounts::{
    create_administrator_account, create_operator, find_account, find_account_by_email,
    operator_count, verify_password, Account, AccountKind,
};
pub use bedrift_projections::outbox::Channel;
pub use error::AuthError;
pub use first_operator::{create_first_operator, issue_first_operator_token};
pub use invitation::{accept_invitation, issue_invitation};
pub use maintenance::{purge_expired, Purged, KEEP_ENDED_FOR};
pub use mask::{mask, mask_key, Masked};
pub use messages::{code_sms, code_sms_in, invitation_email, password_reset_email};
pub use outbox::{enqueue_message, redact};
pub use password::{check_password_rules, HashCost, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
pub use rate_limit::{limit_address, Limit, RateLimits};
pub use reset::{request_password_reset, reset_password};
pub use sessions::{
    authenticate, authenticate_session, bearer_token, create_account_session,
    create_employee_session, log_out, remember_write, session_of, session_principal, Principal,
    Session, ACCOUNT_SESSION_LIFETIME, EMPLOYEE_SESSION_LIFETIME,
};
pub use sms_login::{
    request_verification_code, verify_phone, Login, CODE_VALIDITY, MAX_CODE_ATTEMPTS,
};
