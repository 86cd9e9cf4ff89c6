-- API clients: the credentials a tenant's own systems exchange for tokens at /oauth/token (client
-- credentials grant). Only a SHA-256 hash of each secret is stored. After a rotation with a grace period
-- the previous secret's hash is kept until it expires; a revoked client's row is deleted.

create table api_client (
  id                         text        primary key,
  tenant                     text        not null,
  name                       text,
  scopes                     text[]      not null,
  secret_hash                bytea       not null,
  previous_secret_hash       bytea,
  previous_secret_expires_at timestamptz,
  created_at                 timestamptz not null,
  secret_rotated_at          timestamptz,
  last_used_at               timestamptz
);

create index api_client_tenant_idx on api_client (tenant, created_at);
