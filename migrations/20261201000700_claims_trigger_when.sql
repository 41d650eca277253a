-- The claims trigger ran `claims_apply` (a PL/pgSQL call) for every event appended, while only
-- six event types change a claim: most of an order's life (approvals, zone changes, details)
-- paid a function call for nothing. The trigger now fires only for those six, the ones
-- `claims_apply` acts on. A migration that teaches `claims_apply` another event type must also
-- recreate this trigger with that type in its WHEN list.
DROP TRIGGER events_claim ON events;

CREATE TRIGGER events_claim
    AFTER INSERT
    ON events
    FOR EACH ROW
    WHEN (NEW.event_type IN ('SubscriptionOrdered', 'SubscriptionRejected', 'OrderWithdrawn',
                             'SubscriptionCancelled', 'CancellationWithdrawn',
                             'CompanyRegistered'))
EXECUTE FUNCTION events_claim();
