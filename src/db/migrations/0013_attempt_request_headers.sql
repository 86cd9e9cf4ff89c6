-- The request headers an attempt was sent with (configured header values masked), for the delivery log:
-- an integrator debugging a signature sees exactly what was sent. Null for attempts made before, and for
-- attempts whose worker was lost.
alter table delivery_attempt add column request_headers jsonb;
