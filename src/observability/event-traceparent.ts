/**
 * The `traceparent` of the span active where an event is written, stored with the event so that the
 * spans of its delivery attempts (later, perhaps in another process) link back to the request that made
 * the change. OpenTelemetry's context is per process (its API is a global), so this reader is too: tracing
 * sets it when it starts; until then, and whenever tracing is off, there is none and events store null.
 */
let read: (() => string | undefined) | undefined

/** The active span's `traceparent`, when tracing is on and a span is active. */
export function activeTraceparent(): string | undefined {
  return read?.()
}

export function readTraceparentWith(reader: (() => string | undefined) | undefined): void {
  read = reader
}
