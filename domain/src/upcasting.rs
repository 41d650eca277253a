//! Upcasters: stored events keep the shape they were written with; these turn older shapes into
//! the current one as they are loaded, so an event written years ago still loads.
//!
//! `SubscriptionOrdered` version 1 stored its zones as a list of zone codes (an empty list
//! meaning the whole region); version 2 stores a tagged `ZoneSelection`.

use cqrs_es::persist::{EventUpcaster, SerializedEvent};
use serde_json::{json, Value};

use crate::subscription::ORDERED_VERSION;

/// Every upcaster, for the event store and the projector.
pub fn upcasters() -> Vec<Box<dyn EventUpcaster>> {
    vec![Box::new(OrderedZonesAsList)]
}

/// Whether an event stored with this type and version is in an older shape.
pub fn needs_upcast(event_type: &str, event_version: &str) -> bool {
    upcasters()
        .iter()
        .any(|u| u.can_upcast(event_type, event_version))
}

/// Applies every matching upcaster to one stored event.
pub fn upcast(mut event: SerializedEvent) -> SerializedEvent {
    for upcaster in upcasters() {
        if upcaster.can_upcast(&event.event_type, &event.event_version) {
            event = upcaster.upcast(event);
        }
    }
    event
}

/// `SubscriptionOrdered` v1 -> v2: zones from a list of codes to a `ZoneSelection`.
struct OrderedZonesAsList;

impl EventUpcaster for OrderedZonesAsList {
    fn can_upcast(&self, event_type: &str, event_version: &str) -> bool {
        event_type == "SubscriptionOrdered" && event_version == "1"
    }

    fn upcast(&self, mut event: SerializedEvent) -> SerializedEvent {
        if let Some(body) = event.payload.get_mut("SubscriptionOrdered") {
            if let Some(Value::Array(codes)) = body.get("zones").cloned() {
                let mut codes: Vec<Value> = codes;
                codes.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                body["zones"] = match codes.as_slice() {
                    [] => json!({ "kind": "whole_region" }),
                    [zone] => json!({ "kind": "one", "zone": zone }),
                    [first, second, ..] => {
                        json!({ "kind": "two", "first": first, "second": second })
                    }
                };
            }
        }
        event.event_version = ORDERED_VERSION.to_owned();
        event
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subscription::SubscriptionEvent;
    use crate::values::ZoneSelection;

    fn version_1(zones: Value) -> SerializedEvent {
        SerializedEvent {
            aggregate_id: "0d7b9e2c-3f1a-4c55-9d7e-2f1c0a9b8e11".to_owned(),
            sequence: 1,
            aggregate_type: "Subscription".to_owned(),
            event_type: "SubscriptionOrdered".to_owned(),
            event_version: "1".to_owned(),
            payload: json!({ "SubscriptionOrdered": {
                "company": "6f2d6a8e-8d0e-4d8b-a7a4-3c1e2b9f0d55",
                "phone": "+4791234567",
                "first_name": "Kari",
                "last_name": "Nordmann",
                "employee_number": null,
                "extra_fields": {},
                "zones": zones,
                "category": "ADULT",
                "start_date": "2026-12-01",
                "ordered_by": { "kind": "system" },
                "ordered_at": "2026-11-20T10:00:00Z"
            }}),
            metadata: json!({}),
        }
    }

    fn zones_of(event: SerializedEvent) -> ZoneSelection {
        let upcast = upcast(event);
        assert_eq!(upcast.event_version, ORDERED_VERSION);
        match serde_json::from_value::<SubscriptionEvent>(upcast.payload).unwrap() {
            SubscriptionEvent::SubscriptionOrdered { details, .. } => details.zones,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_version_1_order_with_zones_as_a_list_still_loads() {
        assert_eq!(
            zones_of(version_1(json!(["arendal"]))).to_string(),
            "arendal"
        );
        assert_eq!(
            zones_of(version_1(json!(["lillesand", "kristiansand"]))).to_string(),
            "kristiansand + lillesand"
        );
        assert_eq!(zones_of(version_1(json!([]))), ZoneSelection::WholeRegion);
    }

    #[test]
    fn a_version_2_order_stored_with_flat_fields_loads_and_stores_the_same_json() {
        let mut stored = version_1(json!({ "kind": "one", "zone": "arendal" }));
        stored.event_version = ORDERED_VERSION.to_owned();
        let event: SubscriptionEvent = serde_json::from_value(stored.payload.clone()).unwrap();
        match &event {
            SubscriptionEvent::SubscriptionOrdered {
                details,
                start_date,
                ..
            } => {
                assert_eq!(details.phone.as_str(), "+4791234567");
                assert_eq!(details.first_name.to_string(), "Kari");
                assert_eq!(start_date.to_string(), "2026-12-01");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(serde_json::to_value(&event).unwrap(), stored.payload);
    }

    #[test]
    fn current_events_pass_through_unchanged() {
        let mut event = version_1(json!({ "kind": "one", "zone": "arendal" }));
        event.event_version = ORDERED_VERSION.to_owned();
        let before = event.payload.clone();
        assert_eq!(upcast(event).payload, before);
    }
}
