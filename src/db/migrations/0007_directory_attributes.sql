-- What rules select customers by: tags, free attributes (a JSON object) and the legal entities a customer
-- buys for; legal entities carry attributes too. NULL means "not given", so inline details can be merged.

alter table directory_customer add column tags text[];
alter table directory_customer add column attributes jsonb;
alter table directory_customer add column legal_entity_ids text[];
alter table directory_legal_entity add column attributes jsonb;

-- A rule's `tags:x` is `tags @> array[x]`, which this index serves.
create index directory_customer_tags_idx on directory_customer using gin (tags);
