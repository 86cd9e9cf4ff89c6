/**
 * Bulk requests, shared by the route modules: a size limit, one result per item numbered from 1 (as the
 * platform numbers them), and per-item validation whose failure is that item's 400, not the request's.
 */
import { STATUS_CODES } from 'node:http'
import { ApiError, errors } from '../../errors.js'
import type { Checker } from '../../validation/schema-check.js'
import type { BulkResult } from '../../segments/segment-schemas.js'

export function bulkEntry(index: number, code: number, id?: string, message?: string): BulkResult {
  const entry: BulkResult = { index, code, status: code === 204 ? 'OK' : (STATUS_CODES[code] ?? 'Error') }
  if (id !== undefined) entry.id = id
  if (message !== undefined) entry.message = message
  return entry
}

/** Turns a checker's verdict into the item, or a 400 naming the field. */
export function itemChecker<T>(check: Checker<T>) {
  return (item: unknown): T => {
    const checked = check(item)
    if (checked.problem) throw errors.invalidItem(checked.problem.message, checked.problem.field)
    return checked.value
  }
}

/** The id an item claims, for its result even when the item is invalid: the item itself or its `id`. */
function claimedId(item: unknown): string | undefined {
  const claimed = typeof item === 'string' ? item : (item as { id?: unknown } | null)?.id
  return typeof claimed === 'string' ? claimed : undefined
}

/**
 * Runs `each` on every item that passes `check`, in order; a catalogue error (from the check or from
 * `each`) becomes that item's result, anything else fails the request.
 */
export async function runBulk<T>(
  items: unknown[],
  max: number,
  each: (item: T, index: number) => Promise<BulkResult>,
  check: (item: unknown) => T,
): Promise<BulkResult[]> {
  if (items.length > max) throw errors.bulkTooLarge(max, items.length)
  const results: BulkResult[] = []
  for (const [i, raw] of items.entries()) {
    const index = i + 1
    try {
      results.push(await each(check(raw), index))
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      results.push(bulkEntry(index, error.statusCode, claimedId(raw), error.message))
    }
  }
  return results
}
