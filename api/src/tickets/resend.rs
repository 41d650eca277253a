//! Sending a ticket's link again: a fresh token replaces the old one (which stops working at
//! once) and an SMS with the new link is queued, in one transaction.

use bedrift_domain::messages;
use bedrift_domain::values::Language;
use bedrift_projections::listing::TicketListing;
use bedrift_projections::outbox::{enqueue, Channel, NewMessage};
use bedrift_projections::ticket_links;

use super::TicketError;
use crate::AppState;

/// Issues a new link for `ticket` (revoking the old one) and queues the SMS that carries it,
/// in `language` (the one the employee ordered in). The caller has checked who may do this
/// and that the ticket is still valid.
pub async fn send_again(
    state: &AppState,
    ticket: &TicketListing,
    language: Language,
) -> Result<(), TicketError> {
    let mut tx = bedrift_store::begin(&state.pool).await?;
    let token = ticket_links::reissue(&mut tx, ticket.subscription_id).await?;
    let link = state
        .settings
        .notifications
        .sms_link(ticket.subscription_id, &token);
    let body = messages::ticket_link_sms(language, &ticket.first_name, &link);
    enqueue(
        &mut tx,
        NewMessage {
            channel: Channel::Sms,
            recipient: &ticket.phone,
            subject: None,
            body: &body,
            cause: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
