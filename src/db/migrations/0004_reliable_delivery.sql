-- Delivery that stays exact through configuration changes and lost workers.

-- A tenant's routing version goes up with every change to its webhook configs or event subscriptions,
-- whoever makes it (triggers, so no writer can forget). A worker claiming a delivery reads the version in
-- the claim itself and reloads the tenant's routing when it differs from what it has cached: every event
-- committed after a change is sent with the changed configuration.
create table webhook_routing_version (
  tenant  text   primary key,
  version bigint not null
);

create function webhook_routing_changed() returns trigger language plpgsql as $$
begin
  insert into webhook_routing_version as v (tenant, version)
  values (coalesce(new.tenant, old.tenant), 1)
  on conflict (tenant) do update set version = v.version + 1;
  return null;
end
$$;

create trigger webhook_config_routing after insert or update or delete on webhook_config
  for each row execute function webhook_routing_changed();
create trigger event_subscription_routing after insert or update or delete on event_subscription
  for each row execute function webhook_routing_changed();

-- When the current claim began. A claim whose worker died is found again when its lease runs out; the
-- attempt it may have made is then logged with this start time and an unknown outcome.
alter table delivery add column locked_at timestamptz;

-- An attempt whose outcome is unknown (its worker was lost) has no duration; if that worker comes back
-- and reports after all, its report replaces the entry.
alter table delivery_attempt alter column duration_ms drop not null;

-- The rows a worker holds. After a claim whose answer was lost with its connection, the worker finds the
-- rows that claim gave it (without ever telling it) and hands them back, instead of leaving them to wait
-- out their lease.
create index delivery_locked_by_idx on delivery (locked_by) where locked_by is not null;
