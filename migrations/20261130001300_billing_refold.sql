-- The billing read model stores each subscription as the domain folds it (`state`). The
-- folded shape changed (an ordered subscription is now its own case, the order's state an
-- enum), so the stored states are thrown away and the projector folds them again from the log
-- from the start; until it has caught up, the payroll and invoice bases lag like any read
-- model behind its checkpoint.
TRUNCATE billing_subscriptions, billing_contributions;

UPDATE projection_checkpoints
SET tx_id      = 0,
    position   = 0,
    updated_at = now()
WHERE name = 'billing';
