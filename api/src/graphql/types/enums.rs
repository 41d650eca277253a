//! The GraphQL enums and their conversions to and from the domain's types.

use async_graphql::Enum;
use bedrift_domain::company;
use bedrift_domain::subscription;
use bedrift_domain::values;

/// How an administrator hears of employees' orders waiting for approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "bedrift_domain::company::OrderNotice")]
pub enum OrderNotice {
    /// An e-mail for each order when it is placed (the default).
    Immediately,
    /// One e-mail each morning (`DIGEST_HOUR`, Oslo time) listing what waits; none on days
    /// when nothing waits.
    DailyDigest,
}

/// Whether and how employees may order through the order link (R6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum OrderingPolicy {
    /// No self-service: employee orders are refused; administrators may still create.
    Closed,
    /// Employees order; an administrator approves or rejects each order.
    ApprovalRequired,
    /// Employees order and each order is approved at once.
    AutomaticApproval,
}

impl From<OrderingPolicy> for company::OrderingPolicy {
    fn from(policy: OrderingPolicy) -> Self {
        match policy {
            OrderingPolicy::Closed => Self::Closed,
            OrderingPolicy::ApprovalRequired => Self::ApprovalRequired,
            OrderingPolicy::AutomaticApproval => Self::AutomaticApproval,
        }
    }
}

impl OrderingPolicy {
    /// The policy of its stored code (`CLOSED`, ...); unknown codes read as closed.
    pub fn from_code(code: &str) -> Self {
        match code {
            "APPROVAL_REQUIRED" => Self::ApprovalRequired,
            "AUTOMATIC_APPROVAL" => Self::AutomaticApproval,
            _ => Self::Closed,
        }
    }
}

/// A ticket's status on today's date: derived from its dates, never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum TicketStatus {
    /// Waiting for an administrator.
    Pending,
    /// Rejected by an administrator.
    Rejected,
    /// Withdrawn by the employee.
    Withdrawn,
    /// Approved, not valid yet.
    Upcoming,
    /// Valid today, not cancelled.
    Active,
    /// Valid today and cancelled: ends on its end date.
    Ending,
    /// Past its end date, or cancelled before it started.
    Ended,
}

impl From<subscription::TicketStatus> for TicketStatus {
    fn from(status: subscription::TicketStatus) -> Self {
        use subscription::TicketStatus as S;
        match status {
            S::Pending => Self::Pending,
            S::Rejected => Self::Rejected,
            S::Withdrawn => Self::Withdrawn,
            S::Upcoming => Self::Upcoming,
            S::Active => Self::Active,
            S::Ending => Self::Ending,
            S::Ended => Self::Ended,
        }
    }
}

impl From<TicketStatus> for subscription::TicketStatus {
    fn from(status: TicketStatus) -> Self {
        match status {
            TicketStatus::Pending => Self::Pending,
            TicketStatus::Rejected => Self::Rejected,
            TicketStatus::Withdrawn => Self::Withdrawn,
            TicketStatus::Upcoming => Self::Upcoming,
            TicketStatus::Active => Self::Active,
            TicketStatus::Ending => Self::Ending,
            TicketStatus::Ended => Self::Ended,
        }
    }
}

/// Who travels on the ticket; each has its own price. Never changes on a ticket (R9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum TravellerCategory {
    /// Voksen.
    Adult,
    /// Ung voksen.
    YoungAdult,
    /// Ungdom.
    Youth,
    /// Barn.
    Child,
    /// Honnør.
    Senior,
}

impl From<TravellerCategory> for values::TravellerCategory {
    fn from(category: TravellerCategory) -> Self {
        match category {
            TravellerCategory::Adult => Self::Adult,
            TravellerCategory::YoungAdult => Self::YoungAdult,
            TravellerCategory::Youth => Self::Youth,
            TravellerCategory::Child => Self::Child,
            TravellerCategory::Senior => Self::Senior,
        }
    }
}

impl From<values::TravellerCategory> for TravellerCategory {
    fn from(category: values::TravellerCategory) -> Self {
        use values::TravellerCategory as C;
        match category {
            C::Adult => Self::Adult,
            C::YoungAdult => Self::YoungAdult,
            C::Youth => Self::Youth,
            C::Child => Self::Child,
            C::Senior => Self::Senior,
        }
    }
}

/// The price class of a zone selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ZoneClass {
    /// One zone.
    OneZone,
    /// Two neighbouring zones.
    TwoZones,
    /// The whole region.
    WholeRegion,
}

impl From<values::ZoneClass> for ZoneClass {
    fn from(class: values::ZoneClass) -> Self {
        match class {
            values::ZoneClass::OneZone => Self::OneZone,
            values::ZoneClass::TwoZones => Self::TwoZones,
            values::ZoneClass::WholeRegion => Self::WholeRegion,
        }
    }
}

/// When a zone change takes effect (R8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Default)]
pub enum ZoneChangeFrom {
    /// From the first of next month.
    #[default]
    NextMonth,
    /// From today.
    Immediately,
}

impl From<ZoneChangeFrom> for subscription::ZoneChangeFrom {
    fn from(from: ZoneChangeFrom) -> Self {
        match from {
            ZoneChangeFrom::NextMonth => Self::NextMonth,
            ZoneChangeFrom::Immediately => Self::Immediately,
        }
    }
}

/// When a cancellation ends a ticket (R10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Default)]
pub enum CancelAt {
    /// On the last day of the current month.
    #[default]
    EndOfMonth,
    /// Today (administrators only, e.g. employment ended).
    Immediately,
}

impl From<CancelAt> for subscription::CancelAt {
    fn from(at: CancelAt) -> Self {
        match at {
            CancelAt::EndOfMonth => Self::EndOfMonth,
            CancelAt::Immediately => Self::Immediately,
        }
    }
}

/// What kind of user is logged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ViewerKind {
    /// Staff of the transport operator.
    Operator,
    /// A company administrator.
    Administrator,
    /// An employee logged in through an order link.
    Employee,
}

/// A language of the pages and messages; SMS about an order go out in the language it was
/// made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "Language")]
pub enum LanguageView {
    /// Norwegian bokmål (the default).
    Nb,
    /// English.
    En,
}

impl From<LanguageView> for bedrift_domain::values::Language {
    fn from(language: LanguageView) -> Self {
        match language {
            LanguageView::Nb => Self::Bokmal,
            LanguageView::En => Self::English,
        }
    }
}
