/**
 * What makes a directory entry acceptable, for the API and the importer alike: its kind's schema, text
 * and nesting the store can hold, attributes within their bounds, and validity instants PostgreSQL can
 * keep. An entry that passes is written without a database error, so one bad entry never fails the
 * statement that carries good ones.
 */
import { ApiError } from '../errors.js'
import { checkJsonLimits } from '../limits/json-limits.js'
import { storableInstant } from '../query/iso-date.js'
import { type Checker, schemaChecker } from '../validation/schema-check.js'
import type { DirectoryKind } from './directory-kinds.js'
import { attributesProblem } from './entry-attributes.js'

export function entryChecker<E extends { id: string }>(kind: DirectoryKind<E>): Checker<E> {
  const checkSchema = schemaChecker<E>(kind.schema)
  return (value) => {
    // The HTTP parser checks whole bodies already; imported rows arrive here unchecked.
    try {
      checkJsonLimits(value)
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      const field = error.details?.field
      return { problem: { field, message: `${field ? `'${field}' ` : ''}${error.details?.message ?? error.message}` } }
    }
    const checked = checkSchema(value)
    if (checked.problem) return checked
    const attributes = (checked.value as { attributes?: unknown }).attributes
    const problem = attributes === undefined ? undefined : attributesProblem(attributes, 'attributes')
    if (problem) return { problem }
    const validity = (checked.value as { validity?: { from?: string; to?: string } }).validity
    for (const bound of ['from', 'to'] as const) {
      const text = validity?.[bound]
      if (text !== undefined && !storableInstant(text)) {
        const field = `validity.${bound}`
        return { problem: { field, message: `'${field}' is not a date-time between the years 1 and 9999` } }
      }
    }
    return checked
  }
}
