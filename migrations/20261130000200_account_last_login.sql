-- When each account last logged in (a session started with its password or an invitation), for
-- the administrator list. Null: never since this column exists. Sessions themselves are purged
-- after they end, so they cannot say it.
ALTER TABLE accounts ADD COLUMN last_login_at timestamptz;
