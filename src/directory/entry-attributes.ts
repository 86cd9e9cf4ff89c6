/**
 * The free attributes of customers and legal entities, which rules select by. An attributes value is a JSON
 * object whose values are strings, numbers, booleans or objects of the same kind; keys are the characters a
 * rule can name (`attributes.tier`, `attributes.address.country`). Size and depth are bounded so the cost
 * of storing and of evaluating a rule over them is too. A string shaped as an RFC 3339 date-time
 * (`2026-05-18T07:27:27.455Z`) is a date to rules, so it must be one PostgreSQL can read.
 */
import { Type } from 'typebox'
import { jsonBytes } from '../limits/document-size.js'
import { normalizeTimestamp, storableInstant } from '../query/iso-date.js'

export const ATTRIBUTE_LIMITS = {
  /** UTF-8 bytes of the object as JSON. */
  bytes: 16 * 1024,
  /** Keys on the way to any value: `address.country` is 2. */
  depth: 8,
} as const

/** What an attribute key may be. */
export const ATTRIBUTE_KEY = /^[A-Za-z0-9_$-]{1,100}$/

/** What rules read as a date: the RFC 3339 date-time shape, the same test in SQL (rules/rule-query.ts). */
export const DATE_TIME_SHAPE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$'
const DATE_TIME = new RegExp(DATE_TIME_SHAPE)

export const Attributes = Type.Record(Type.String(), Type.Unknown(), {
  description: `A JSON object of strings, numbers, booleans, RFC 3339 date-times and nested objects; keys of letters, digits, '_', '$' or '-'; at most ${ATTRIBUTE_LIMITS.depth} levels and ${ATTRIBUTE_LIMITS.bytes} bytes`,
  examples: [{ tier: 'gold', lifetimeValue: 1250.5, newsletter: true, lastOrderAt: '2026-05-18T07:27:27Z', address: { country: 'DE' } }],
})

/** Whether a stored attribute string is a date to rules. */
export function isDateTime(text: string): boolean {
  return DATE_TIME.test(text)
}

/** The first problem with `value` as the attributes at `field`, or undefined. */
export function attributesProblem(value: unknown, field: string): { field: string; message: string } | undefined {
  if (jsonBytes(value) > ATTRIBUTE_LIMITS.bytes) return { field, message: `'${field}' is larger than ${ATTRIBUTE_LIMITS.bytes} bytes as JSON` }
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: field, depth: 0 }]
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const { value: current, path, depth } = node
    const problem = (message: string) => ({ field: path, message: `'${path}' ${message}` })
    if (typeof current === 'string') {
      if (isDateTime(current) && !(normalizeTimestamp(current) !== undefined && storableInstant(current))) {
        return problem('has the shape of a date-time but is not a valid one between the years 1 and 9999')
      }
    } else if (typeof current === 'number' || typeof current === 'boolean') {
      continue
    } else if (typeof current === 'object' && current !== null && !Array.isArray(current)) {
      if (depth === ATTRIBUTE_LIMITS.depth) return problem(`is nested deeper than ${ATTRIBUTE_LIMITS.depth} levels`)
      for (const [key, child] of Object.entries(current)) {
        if (!ATTRIBUTE_KEY.test(key)) return { field: path, message: `'${path}' has the key '${key}': keys are 1 to 100 letters, digits, '_', '$' or '-'` }
        stack.push({ value: child, path: `${path}.${key}`, depth: depth + 1 })
      }
    } else {
      return problem(`must be a string, number, boolean or object${depth === 0 ? '' : ' (arrays and null are not attribute values)'}`)
    }
  }
  return undefined
}
