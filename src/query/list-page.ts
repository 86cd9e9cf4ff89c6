/**
 * One page of a list: the client's sort keys, then tie-breakers that make the order total (so pages
 * neither repeat nor skip rows), offset paging, and the total count when the client asked for it.
 */
import { type SelectQueryBuilder, sql } from 'kysely'
import type { FieldMap } from './field-map.js'
import { parsePaging } from './paging.js'
import { compileSort, sortBy } from './sort.js'

export interface PageRequest {
  sort?: string
  pageNumber?: string
  pageSize?: string
  /** Count all matches too (X-Total-Count). */
  withTotal: boolean
  /** Language for a localized sort key written without one. */
  language?: string
}

export async function fetchPage<DB, TB extends keyof DB, O>(
  matching: SelectQueryBuilder<DB, TB, object>,
  select: (query: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, O>,
  fields: FieldMap,
  tieBreakers: string[],
  request: PageRequest,
): Promise<{ rows: O[]; total?: number }> {
  const order = compileSort(request.sort, fields, { defaultLanguage: request.language })
  const paging = parsePaging(request)
  const page = tieBreakers.reduce((query, column) => query.orderBy(sql.ref(column)), select(matching).$call(sortBy(order)))
  const rows = await page.limit(paging.limit).offset(paging.offset).execute()
  if (!request.withTotal) return { rows: rows as O[] }
  const counted = await matching.select(sql<string>`count(*)`.as('count')).executeTakeFirstOrThrow()
  return { rows: rows as O[], total: Number((counted as { count: string }).count) }
}
