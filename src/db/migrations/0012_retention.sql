-- Retention: delivered deliveries (with their attempts) and the events nothing refers to any more are
-- deleted once they are older than RETENTION_DAYS. Successful deliveries are counted per tenant and UTC
-- month before they go, so the monthly statistics survive.
create table delivery_month (
  tenant    text   not null,
  month     date   not null,
  delivered bigint not null,
  primary key (tenant, month)
);
-- An event can go once no delivery refers to it.
create index delivery_event_idx on delivery (event_sequence);
create index outbox_event_published_idx on outbox_event (published_at);
