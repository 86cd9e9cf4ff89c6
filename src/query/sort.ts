/**
 * The `sort` parameter (conventions §1.3): `name.en,metadata.createdAt:desc`, keys applied left to
 * right. Only `desc`/`DESC` sorts descending; any other suffix, or none, sorts ascending, as in the
 * other Emporix services. NULLs sort as PostgreSQL does by default (last ascending, first descending),
 * which keeps plain column indexes usable. Offset paging is only stable when the last key is unique,
 * so callers should end with their id.
 */
import type { RawBuilder, SelectQueryBuilder } from 'kysely'
import { resolveField, type FieldMap } from './field-map.js'
import { QueryError } from './query-error.js'

export type SortDirection = 'asc' | 'desc'

export interface SortKey {
  readonly field: string
  readonly expression: RawBuilder<unknown>
  readonly direction: SortDirection
}

export interface SortOptions {
  /**
   * For a localized field given without a language (`name`): the reader's languages by preference, the
   * default language last. Each map is then sorted by the entry a response shows that reader.
   */
  readonly languages?: readonly string[]
}

/** Bounds the ORDER BY a client can ask for; real sorts are a few dozen characters. */
export const MAX_SORT_LENGTH = 1_000

export function compileSort(sort: string | undefined, fields: FieldMap, options: SortOptions = {}): SortKey[] {
  if (sort === undefined) return []
  if (sort.length > MAX_SORT_LENGTH) {
    throw new QueryError(`sort is too long (${sort.length} characters, at most ${MAX_SORT_LENGTH})`, MAX_SORT_LENGTH, 'sort')
  }
  const keys: SortKey[] = []
  let offset = 0
  for (const item of sort.split(',')) {
    const position = offset + (item.length - item.trimStart().length)
    offset += item.length + 1
    // Empty items (`a,,b`, a trailing comma) are harmless, so they are skipped rather than refused.
    if (item.trim() === '') continue
    const colon = item.indexOf(':')
    const field = (colon < 0 ? item : item.slice(0, colon)).trim()
    const suffix = colon < 0 ? '' : item.slice(colon + 1).trim()
    if (field === '') throw new QueryError(`Missing field name in sort at position ${position}`, position, 'sort')
    const resolved = resolveField(fields, field, { parameter: 'sort', position, languages: options.languages })
    keys.push({
      field: resolved.name,
      expression: resolved.expression,
      direction: suffix === 'desc' || suffix === 'DESC' ? 'desc' : 'asc',
    })
  }
  return keys
}

/** Adds the keys to a select, for `$call`: `db.selectFrom(…).$call(sortBy(keys))`. */
export function sortBy(keys: readonly SortKey[]) {
  return <DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> =>
    keys.reduce((query, key) => query.orderBy(key.expression, key.direction), qb)
}
