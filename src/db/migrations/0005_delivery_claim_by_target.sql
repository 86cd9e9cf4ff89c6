-- Claims walk the due deliveries target by target: a skip scan over the targets that have rows in a lane,
-- then each target's due rows in time order, only as many as the claiming worker can take for it. A
-- target with a long backlog the worker cannot take yet (a slow receiver) then costs one index probe,
-- not a scan over its backlog, and rows of other targets behind it are found at once.
drop index delivery_first_due_idx;
drop index delivery_retry_due_idx;
create index delivery_first_due_idx on delivery (tenant, config_code, target_id, next_attempt_at)
  where state = 'pending' and attempts = 0;
create index delivery_retry_due_idx on delivery (tenant, config_code, target_id, next_attempt_at)
  where state = 'pending' and attempts > 0;
