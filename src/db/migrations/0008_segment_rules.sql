-- A rule per segment: its membership follows the directory as AUTOMATIC customer assignments.
-- `query` null: the rule was removed and its automatic assignments are being taken away.
-- A full evaluation walks the directory in chunks of customer ids; `cursor` is the last id of the
-- chunks done, so an evaluation survives a restart. Rules whose query mentions `now` (relative dates)
-- are evaluated again on a schedule.

create table segment_rule (
  tenant        text        not null,
  segment_id    text        not null,
  query         text,
  b2b           boolean     not null default false,
  relative      boolean     not null default false,
  version       integer     not null,
  created_at    timestamptz not null,
  modified_at   timestamptz not null,
  state         text        not null check (state in ('PENDING', 'RUNNING', 'DONE')),
  cursor        text,
  evaluated     bigint      not null default 0,
  total         bigint      not null default 0,
  added         bigint      not null default 0,
  removed       bigint      not null default 0,
  started_at    timestamptz,
  finished_at   timestamptz,
  -- Why the last chunk failed (it is tried again, after the other rules' chunks); null once one succeeds.
  error         text,
  -- When a chunk of this rule last ran: evaluations take turns, the longest waiting first.
  progressed_at timestamptz not null,
  primary key (tenant, segment_id),
  foreign key (tenant, segment_id) references segment (tenant, id) on delete cascade
);
create index segment_rule_pending_idx on segment_rule (progressed_at) where state <> 'DONE';
create index segment_rule_relative_idx on segment_rule (started_at) where relative and state = 'DONE';

-- Writing a legal entity re-evaluates the customers who buy for it.
create index directory_customer_legal_entities_idx on directory_customer using gin (legal_entity_ids);
