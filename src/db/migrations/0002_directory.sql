-- The directory: what the service knows about customers, legal entities, products and categories, to
-- enrich responses and events and to resolve products through their categories.

create table directory_customer (
  tenant      text        not null,
  id          text        not null,
  email       text,
  first_name  text,
  last_name   text,
  modified_at timestamptz not null,
  primary key (tenant, id)
);

create table directory_legal_entity (
  tenant      text        not null,
  id          text        not null,
  name        text,
  modified_at timestamptz not null,
  primary key (tenant, id)
);

create table directory_product (
  tenant       text        not null,
  id           text        not null,
  code         text,
  name         jsonb,
  category_ids text[]      not null default '{}',
  modified_at  timestamptz not null,
  primary key (tenant, id)
);

create table directory_category (
  tenant        text        not null,
  id            text        not null,
  parent_id     text,
  code          text,
  name          jsonb,
  description   jsonb,
  slug          jsonb,
  ecn           text[],
  validity_from timestamptz,
  validity_to   timestamptz,
  position      integer,
  published     boolean,
  modified_at   timestamptz not null,
  primary key (tenant, id)
);
create index directory_category_parent_idx on directory_category (tenant, parent_id);
