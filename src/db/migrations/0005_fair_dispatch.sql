-- The dispatcher takes each tenant's oldest undispatched events in turn (a skip scan over tenants), so
-- that one tenant's backlog never fills a whole batch.
create index outbox_event_undispatched_tenant_idx on outbox_event (tenant, sequence) where dispatched_at is null;
-- It replaces the index in sequence order alone, which nothing reads any more.
drop index outbox_event_undispatched_idx;
