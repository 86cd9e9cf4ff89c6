-- One-time links into the webhook portal, from GET /webhook/{tenant}/dashboard-access: the key is in the
-- link (after `#`, so it is never sent in a request line or logged), only its SHA-256 is stored, and the
-- portal page exchanges it once for a token of the tenant's webhook scopes.
create table portal_link (
  key_hash   text        primary key,
  tenant     text        not null,
  expires_at timestamptz not null
);
create index portal_link_expires_idx on portal_link (expires_at);
