/**
 * The size of stored documents. A segment or an assignment, mixins included, is kept (and copied into
 * its events, and read back in pages) as JSON; its UTF-8 size is what a limit can hold on to, the same
 * whichever engine stores it.
 */
import { errors } from '../errors.js'

/** The UTF-8 bytes of `value` as JSON. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '')
}

/** Throws a 413 naming `what` when `value` would be larger than `limit` bytes as stored. */
export function checkDocumentSize(value: unknown, limit: number, what: string): void {
  const bytes = jsonBytes(value)
  if (bytes > limit) throw errors.documentTooLarge(what, bytes, limit)
}
