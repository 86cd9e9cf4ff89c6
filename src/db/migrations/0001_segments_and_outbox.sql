-- Segments, the assignments that hang off them, and the transactional outbox of events.

create table segment (
  tenant          text        not null,
  id              text        not null,
  name            jsonb       not null,
  description     jsonb,
  validity_from   timestamptz,
  validity_to     timestamptz,
  status          text        not null check (status in ('ACTIVE', 'INACTIVE')),
  site_code       text        not null,
  mixins          jsonb,
  metadata_mixins jsonb,
  version         integer     not null,
  created_at      timestamptz not null,
  modified_at     timestamptz not null,
  primary key (tenant, id)
);
create index segment_site_idx on segment (tenant, site_code, id);

-- B2C assignments have legal_entity_id = '' so that the key can stay a primary key.
create table customer_assignment (
  tenant          text        not null,
  segment_id      text        not null,
  customer_id     text        not null,
  legal_entity_id text        not null default '',
  -- The legal entity as clients see it: null for B2C.
  legal_entity_ref text       generated always as (nullif(legal_entity_id, '')) stored,
  assignment_type text        not null check (assignment_type in ('MANUAL', 'AUTOMATIC')),
  mixins          jsonb,
  metadata_mixins jsonb,
  version         integer     not null,
  created_at      timestamptz not null,
  modified_at     timestamptz not null,
  primary key (tenant, segment_id, customer_id, legal_entity_id),
  foreign key (tenant, segment_id) references segment (tenant, id)
);
-- "Which segments is this customer in" reads this index alone.
create index customer_assignment_customer_idx on customer_assignment (tenant, customer_id, legal_entity_id, segment_id);

create table item_assignment (
  tenant          text        not null,
  segment_id      text        not null,
  type            text        not null check (type in ('PRODUCT', 'CATEGORY')),
  item_id         text        not null,
  mixins          jsonb,
  metadata_mixins jsonb,
  version         integer     not null,
  created_at      timestamptz not null,
  modified_at     timestamptz not null,
  primary key (tenant, segment_id, type, item_id),
  foreign key (tenant, segment_id) references segment (tenant, id)
);
create index item_assignment_item_idx on item_assignment (tenant, type, item_id, segment_id);

-- One row per committed change. The sequence is global and, because every transaction writes (and so
-- locks) the entity row before its event row, it strictly increases per subject.
create table outbox_event (
  sequence     bigint generated always as identity primary key,
  id           uuid        not null unique,
  tenant       text        not null,
  type         text        not null,
  subject      text        not null,
  payload      jsonb       not null,
  published_at timestamptz not null
);
create index outbox_event_tenant_idx on outbox_event (tenant, sequence);
create index outbox_event_tenant_type_idx on outbox_event (tenant, type, sequence);
