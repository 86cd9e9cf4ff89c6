-- The console's one-time sign-in links (`segments console`): each link is a signed JWT; its id is kept
-- here once the link is opened, until the link would have expired anyway, so it opens only once.
create table console_link_use (
  jti        text        primary key,
  expires_at timestamptz not null
);
create index console_link_use_expires_idx on console_link_use (expires_at);
