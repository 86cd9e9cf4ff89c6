-- Retention: delivered deliveries (with their attempts) and the events nothing refers to any more are
-- deleted once they are older than RETENTION_DAYS. Successful deliveries are counted per tenant and UTC
-- month before they go, so the monthly statistics survive.
create table delivery_month (
  tenant    text   not null,
  month     date   not null,
  delivered bigint not null,
  primary key (tenant, month)
);
-- Whether a delivery still refers to an event is a probe of the unique (event_sequence, …) index; the
-- delivered deliveries old enough to go, and the old events, are found by time.
create index delivery_finished_idx on delivery (finished_at) where state = 'delivered';
create index outbox_event_published_idx on outbox_event (published_at);
