-- Read models: typed tables folded from the event log by the projector
-- (crate bedrift-projections). Each can be dropped and rebuilt from `events`.

-- How far each read model has applied the log. Moved in the same transaction as the rows it
-- covers, so a crash never loses or doubles an event.
-- A checkpoint is a log position in the projector's order: (transaction id, position).
CREATE TABLE projection_checkpoints
(
    name       text PRIMARY KEY,
    tx_id      bigint      NOT NULL DEFAULT 0,
    position   bigint      NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO projection_checkpoints (name)
VALUES ('companies'), ('approval_queue'), ('tickets'), ('billing'), ('tariff');

-- Company directory.
CREATE TABLE companies
(
    company_id              uuid PRIMARY KEY,
    org_number              text        NOT NULL,
    name                    text        NOT NULL,
    invoice_email           text        NOT NULL,
    ordering_policy         text        NOT NULL,
    order_link_token        text        NOT NULL,
    order_form              jsonb       NOT NULL,
    contribution_kind       text        NOT NULL,
    contribution_percent    smallint,
    contribution_amount_ore bigint,
    pay_type_code           text,
    registered_at           timestamptz NOT NULL,
    version                 bigint      NOT NULL
);
CREATE INDEX companies_order_link_token ON companies (order_link_token);
CREATE INDEX companies_name ON companies (lower(name), company_id);

CREATE TABLE company_administrators
(
    company_id uuid NOT NULL,
    account_id uuid NOT NULL,
    email      text NOT NULL,
    name       text NOT NULL,
    PRIMARY KEY (company_id, account_id)
);
CREATE INDEX company_administrators_account ON company_administrators (account_id);

-- Approval queue: a row exists exactly while an order is pending; oldest first by position.
CREATE TABLE approval_queue
(
    subscription_id uuid PRIMARY KEY,
    company_id      uuid        NOT NULL,
    phone           text        NOT NULL,
    first_name      text        NOT NULL,
    last_name       text        NOT NULL,
    employee_number text,
    category        text        NOT NULL,
    zones           jsonb       NOT NULL,
    start_date      date        NOT NULL,
    ordered_at      timestamptz NOT NULL,
    position        bigint      NOT NULL
);
CREATE INDEX approval_queue_company ON approval_queue (company_id, position);

-- Tickets. No status column for upcoming/active/ending/ended: that depends on today's date
-- and is derived at query time from valid_from and end_date.
CREATE TABLE tickets
(
    subscription_id  uuid PRIMARY KEY,
    company_id       uuid        NOT NULL,
    phone            text        NOT NULL,
    first_name       text        NOT NULL,
    last_name        text        NOT NULL,
    employee_number  text,
    extra_fields     jsonb       NOT NULL,
    category         text        NOT NULL,
    zones            jsonb       NOT NULL,
    zones_from       date        NOT NULL,
    order_status     text        NOT NULL,
    start_date       date        NOT NULL,
    valid_from       date,
    end_date         date,
    ordered_at       timestamptz NOT NULL,
    ordered_position bigint      NOT NULL,
    decided_at       timestamptz,
    rejection_reason text,
    version          bigint      NOT NULL
);
CREATE INDEX tickets_company ON tickets (company_id, ordered_position);
CREATE INDEX tickets_company_phone ON tickets (company_id, phone);

-- Billing: each subscription as the domain folds it (`state` is what the billing function
-- prices), with the columns that select the subscriptions a month may charge.
CREATE TABLE billing_subscriptions
(
    subscription_id uuid PRIMARY KEY,
    company_id      uuid    NOT NULL,
    approved        boolean NOT NULL,
    valid_from      date,
    end_date        date,
    state           jsonb   NOT NULL,
    version         bigint  NOT NULL
);
CREATE INDEX billing_subscriptions_company ON billing_subscriptions (company_id, valid_from) WHERE approved;
CREATE INDEX billing_subscriptions_valid ON billing_subscriptions (valid_from) WHERE approved;

-- Every employer-contribution setting with the instant it was set (R14 takes the one in force
-- at a month's last moment).
CREATE TABLE billing_contributions
(
    company_id uuid        NOT NULL,
    position   bigint      NOT NULL,
    set_at     timestamptz NOT NULL,
    kind       text        NOT NULL,
    percent    smallint,
    amount_ore bigint,
    PRIMARY KEY (company_id, position)
);

-- Published tariff versions.
CREATE TABLE tariff_versions
(
    valid_from   date PRIMARY KEY,
    version      jsonb       NOT NULL,
    published_at timestamptz NOT NULL,
    position     bigint      NOT NULL
);
