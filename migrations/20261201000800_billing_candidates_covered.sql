-- The payroll basis asks, for one company's approved rows of a month, only for their ids and
-- versions first (the states it holds from its last call need no reading; the others are read
-- afterwards by the primary key). With those columns in the index the first question is
-- answered from the index, without visiting a wide row per subscription.
CREATE INDEX billing_subscriptions_company_charged ON billing_subscriptions
    (company_id, valid_from) INCLUDE (end_date, version, subscription_id) WHERE approved;
DROP INDEX billing_subscriptions_company;
