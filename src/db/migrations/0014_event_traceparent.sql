-- Tracing: the W3C traceparent of the request whose transaction wrote an event, so that the spans of its
-- delivery attempts can link back to it. Null when tracing is off or the change was not traced.
alter table outbox_event add column traceparent text;
