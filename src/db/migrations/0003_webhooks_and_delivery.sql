-- Webhook configuration, event subscriptions, and the delivery engine's tables.

-- One row per tenant and provider code (only `http` is offered). `configuration` holds the HTTP settings
-- as stored, secrets included; entries carry their server-generated ids.
create table webhook_config (
  tenant        text        not null,
  code          text        not null,
  provider      text        not null,
  active        boolean     not null,
  configuration jsonb       not null,
  created_at    timestamptz not null,
  modified_at   timestamptz not null,
  primary key (tenant, code)
);

-- A tenant's subscription to one event type. No row means never subscribed (state NONE).
create table event_subscription (
  tenant          text        not null,
  event_type      text        not null,
  subscribed      boolean     not null,
  excluded_fields jsonb       not null default '[]',
  version         integer     not null,
  created_at      timestamptz not null,
  modified_at     timestamptz not null,
  primary key (tenant, event_type)
);

-- The dispatcher marks each event once it has turned it into deliveries. Events committed before this
-- migration were never subscribed to by anyone, so they count as dispatched.
alter table outbox_event add column dispatched_at timestamptz;
update outbox_event set dispatched_at = published_at;
create index outbox_event_undispatched_idx on outbox_event (sequence) where dispatched_at is null;

-- A target is where deliveries go: the config's own destination (`target_id = 'default'`) or one
-- eventsConfiguration entry (its id). Rows appear when a target first gets a delivery.
create table delivery_target (
  tenant          text        not null,
  config_code     text        not null,
  target_id       text        not null,
  -- Set when the target stops receiving: it answered 410, or failed for 5 days straight.
  disabled_at     timestamptz,
  disabled_reason text,
  -- Start of the current run of failures; cleared by any success.
  failing_since   timestamptz,
  primary key (tenant, config_code, target_id)
);

-- One event for one target. `pending` rows are due at `next_attempt_at`; a worker claims a row by moving
-- `next_attempt_at` past its lease, so a row whose worker died becomes due again on its own.
create table delivery (
  id              bigint      generated always as identity primary key,
  tenant          text        not null,
  event_sequence  bigint      not null references outbox_event (sequence),
  config_code     text        not null,
  target_id       text        not null,
  state           text        not null check (state in ('pending', 'delivered', 'failed')),
  attempts        integer     not null default 0,
  -- A resend or recovery gives a delivery a fresh retry schedule without losing its history: `attempts`
  -- keeps counting (attempt numbers stay unique in delivery_attempt); the retry policy counts only the
  -- attempts after `attempt_base`.
  attempt_base    integer     not null default 0,
  next_attempt_at timestamptz not null,
  locked_by       text,
  created_at      timestamptz not null,
  finished_at     timestamptz,
  last_status     integer,
  last_error      text,
  unique (event_sequence, config_code, target_id)
);
-- First attempts and retries are claimed from separate lanes, so retries never starve first attempts.
-- Claims walk a lane target by target: a skip scan over the targets that have rows in it, then each
-- target's due rows in time order, only as many as the claiming worker can take for it. A target with a
-- long backlog the worker cannot take yet (a slow receiver) costs one index probe, not a scan over its
-- backlog, and rows of other targets behind it are found at once.
create index delivery_first_due_idx on delivery (tenant, config_code, target_id, next_attempt_at)
  where state = 'pending' and attempts = 0;
create index delivery_retry_due_idx on delivery (tenant, config_code, target_id, next_attempt_at)
  where state = 'pending' and attempts > 0;
create index delivery_target_idx on delivery (tenant, config_code, target_id, created_at);
create index delivery_delivered_idx on delivery (tenant, finished_at) where state = 'delivered';

-- Every attempt to deliver: the log operators read.
create table delivery_attempt (
  delivery_id      bigint      not null references delivery (id) on delete cascade,
  attempt          integer     not null,
  started_at       timestamptz not null,
  duration_ms      integer     not null,
  status           integer,
  response_excerpt text,
  error            text,
  primary key (delivery_id, attempt)
);
