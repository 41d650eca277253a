//! The `Subscription` aggregate: one employee's monthly ticket at one company, from order to
//! end. Its rules: R2 start date, R6 policy, R7 decisions,
//! R8 zone changes, R9 category, R10 cancellation, R11 resume, R18 employee details. R5 (one live ticket per
//! phone) spans subscriptions and is kept where events are appended (bedrift-store's claims).

mod command;
pub mod decide;
mod decide_requests;
mod details;
mod erasure;
mod error;
mod event;
mod state;
mod status;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;

pub use command::{CancelAt, CompanyTerms, SubscriptionCommand, ZoneChangeFrom};
pub use details::{EmployeeDetails, OrderDetails};
pub use erasure::{Duty, RetentionRules};
pub use error::{StateProblem, SubscriptionError};
pub use event::{SubscriptionEvent, ORDERED_VERSION};
pub use state::{
    Approval, Cancellation, Decision, OrderState, OrderedSubscription, Subscription,
    ZoneChangeRequest, ZonePeriod,
};
pub use status::{OrderStatus, TicketStatus};

use crate::clock::Clock;

/// Services the subscription's command handler needs: the clock.
#[derive(Debug, Clone)]
pub struct SubscriptionServices {
    /// Source of "now" and "today".
    pub clock: Arc<dyn Clock>,
}

impl Aggregate for Subscription {
    const TYPE: &'static str = "Subscription";
    type Command = SubscriptionCommand;
    type Event = SubscriptionEvent;
    type Error = SubscriptionError;
    type Services = SubscriptionServices;

    async fn handle(
        &mut self,
        command: SubscriptionCommand,
        services: &SubscriptionServices,
        sink: &EventSink<Self>,
    ) -> Result<(), SubscriptionError> {
        for event in self.decide(command, services.clock.now())? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: SubscriptionEvent) {
        self.evolve(event);
    }
}
