/**
 * Bulk assignment requests: items are checked one by one (a bad one is its own 400), the good ones go to
 * the service as one batch, and each item's outcome becomes its result, numbered from 1.
 */
import type { ItemResult } from '../../assignments/assignment-state.js'
import { errors } from '../../errors.js'
import type { Checker } from '../../validation/schema-check.js'
import { bulkEntry } from './bulk.js'

const MAX_ASSIGNMENT_BULK = 200

const CODES = { created: 201, updated: 204, unchanged: 204, deleted: 204, absent: 204 } as const

export function singleStatus(result: ItemResult): 201 | 204 {
  if ('error' in result) throw result.error
  return result.outcome === 'created' ? 201 : 204
}

export async function runAssignmentBulk<T>(items: unknown[], check: Checker<T>, apply: (valid: T[]) => Promise<ItemResult[]>) {
  if (items.length > MAX_ASSIGNMENT_BULK) throw errors.bulkTooLarge(MAX_ASSIGNMENT_BULK, items.length)
  const checked = items.map((item) => check(item))
  const valid = checked.flatMap((c) => (c.problem ? [] : [c.value as T]))
  // Applied even with nothing valid: the service checks the segment, so a missing one is 404 whatever the items.
  const outcomes = await apply(valid)
  let next = 0
  return checked.map((c, i) => {
    if (c.problem) return bulkEntry(i + 1, 400, undefined, errors.invalidItem(c.problem.message, c.problem.field).message)
    const result = outcomes[next++]
    return 'error' in result ? bulkEntry(i + 1, result.error.statusCode, undefined, result.error.message) : bulkEntry(i + 1, CODES[result.outcome])
  })
}
