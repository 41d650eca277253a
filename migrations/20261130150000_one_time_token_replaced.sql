-- Whether an unused one-time token was retired because a newer one of the same kind was issued
-- for the same account, so that a refused link can say "a newer link was sent" instead of
-- "already used".
ALTER TABLE one_time_tokens ADD COLUMN replaced boolean NOT NULL DEFAULT false;
