-- Endpoints of a tenant's SVIX_SHARED webhook config (code `svix_shared`), managed in the webhook portal
-- and under /webhook/{tenant}/portal/endpoints rather than in the config, which stays empty as the contract
-- has it. Each one is a delivery target (config_code `svix_shared`, target_id = id).
create table portal_endpoint (
  tenant           text        not null,
  id               text        not null,
  url              text        not null,
  description      text        not null default '',
  -- null: every subscribed event type.
  event_types      text[],
  -- A Standard Webhooks secret: `whsec_` and base64.
  secret           text        not null,
  -- Secrets replaced lately, newest first, [{secretKey, replacedAt}]: deliveries carry a signature with
  -- each during the grace period, as for HTTP configs.
  previous_secrets jsonb       not null default '[]',
  disabled         boolean     not null default false,
  created_at       timestamptz not null,
  modified_at      timestamptz not null,
  primary key (tenant, id)
);

create trigger portal_endpoint_routing after insert or update or delete on portal_endpoint
  for each row execute function webhook_routing_changed();
