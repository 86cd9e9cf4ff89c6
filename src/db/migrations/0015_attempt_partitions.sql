-- The attempt log, partitioned by time. It is the largest of the delivery tables and never changes once
-- an attempt is reported, so retention drops whole partitions of it instead of deleting row by row: no
-- dead rows, no vacuum. Each attempt is filed under the time its claim took the delivery (`claimed_at`),
-- which the claiming worker and any later claim that finds the attempt unreported both know, so a late
-- report still replaces the "outcome unknown" entry. The delivery engines create the time ranges ahead
-- and drop the expired ones when retention is on (delivery/retention/attempt-partitions.ts). The attempts
-- logged before this migration make one range of their own, up to now, which retention drops whole once it
-- has expired. An attempt with no range (retention off, or no engine keeping ranges for days) goes to the
-- default partition, which therefore stays small: PostgreSQL reads all of it whenever a range is made.
-- There is no foreign key to `delivery`: one would make every change of ranges lock the delivery table as
-- well, the busiest there is, and its cascade would delete row by row what a range drops whole. Attempts
-- are written only for a delivery the writer holds locked; retention, the only deleter of deliveries,
-- deletes their attempts in the default partition with them and leaves the rest to their range.
alter table delivery_attempt rename to delivery_attempt_unpartitioned;
alter index delivery_attempt_pkey rename to delivery_attempt_unpartitioned_pkey;
alter table delivery_attempt_unpartitioned rename constraint delivery_attempt_delivery_id_fkey to delivery_attempt_unpartitioned_delivery_id_fkey;

create table delivery_attempt (
  delivery_id      bigint      not null,
  attempt          integer     not null,
  claimed_at       timestamptz not null,
  started_at       timestamptz not null,
  duration_ms      integer,
  status           integer,
  response_excerpt text,
  error            text,
  request_headers  jsonb,
  primary key (delivery_id, attempt, claimed_at)
) partition by range (claimed_at);

create table delivery_attempt_default partition of delivery_attempt default;
-- What retention deletes row by row from the default partition, oldest first; the ranges need no such
-- index, since they go whole.
create index delivery_attempt_default_claimed_idx on delivery_attempt_default (claimed_at);

do $$
begin
  execute format('create table delivery_attempt_00000000_000000 partition of delivery_attempt for values from (minvalue) to (%L)', now());
end
$$;

insert into delivery_attempt (delivery_id, attempt, claimed_at, started_at, duration_ms, status, response_excerpt, error, request_headers)
select delivery_id, attempt, started_at, started_at, duration_ms, status, response_excerpt, error, request_headers
from delivery_attempt_unpartitioned;

drop table delivery_attempt_unpartitioned;
