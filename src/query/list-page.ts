/**
 * One page of a list: the client's sort keys, then tie-breakers that make the order total (so pages
 * neither repeat nor skip rows), offset paging, and the total count when the client asked for it.
 *
 * A page is bounded in bytes as well as in rows: when the rows asked for could together exceed the page
 * budget, their sizes are summed first (one cheap query) and a page over budget is refused with the
 * pageSize that would fit, rather than built and serialized.
 */
import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely'
import type { FieldMap } from './field-map.js'
import { type Paging, pageBytesError, parsePaging } from './paging.js'
import { compileSort, type SortKey, sortBy } from './sort.js'

export interface PageRequest {
  sort?: string
  pageNumber?: string
  pageSize?: string
  /** Count all matches too (X-Total-Count). */
  withTotal: boolean
  /** Languages, by preference, a localized sort key written without one ranks a map's entries by. */
  languages?: readonly string[]
  /** The page's byte budget; none when absent. */
  budget?: PageBudget
}

export interface PageBudget {
  /** Bytes the rows of one page may take together. */
  pageBytes: number
  /** The most one row can take: a page of at most pageBytes / documentBytes rows needs no check. */
  documentBytes: number
}

/**
 * `rowBytes` is an SQL expression for a row's size (e.g. `octet_length(t::text)`), read only when the
 * page could be over its byte budget.
 */
export async function fetchPage<DB, TB extends keyof DB, O>(
  matching: SelectQueryBuilder<DB, TB, object>,
  select: (query: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, O>,
  fields: FieldMap,
  tieBreakers: string[],
  request: PageRequest,
  rowBytes: RawBuilder<number>,
): Promise<{ rows: O[]; total?: number }> {
  const order = compileSort(request.sort, fields, { languages: request.languages })
  const paging = parsePaging(request)
  const ordered = <T>(query: SelectQueryBuilder<DB, TB, T>) => orderedPage(query, order, tieBreakers, paging.limit, paging.offset)
  const { budget } = request
  if (needsSizeCheck(budget, paging)) {
    const sizes = await ordered(matching.select(rowBytes.as('bytes'))).execute()
    const bytes = sizes.reduce((sum, row) => sum + Number((row as { bytes: number }).bytes), 0)
    if (bytes > budget.pageBytes) throw pageBytesError(bytes, sizes.length, budget.pageBytes)
  }
  const rows = await ordered(select(matching)).execute()
  if (!request.withTotal) return { rows: rows as O[] }
  const counted = await matching.select(sql<string>`count(*)`.as('count')).executeTakeFirstOrThrow()
  return { rows: rows as O[], total: Number((counted as { count: string }).count) }
}

/** The rows of one page: in the sort's order, then the tie-breakers' (which make it total). */
export function orderedPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  order: readonly SortKey[],
  tieBreakers: string[],
  limit: number,
  offset: number,
): SelectQueryBuilder<DB, TB, O> {
  return tieBreakers.reduce((sorted, column) => sorted.orderBy(sql.ref(column)), query.$call(sortBy(order))).limit(limit).offset(offset)
}

/** Whether the rows of a page could together be over its byte budget (so their sizes are summed first). */
export function needsSizeCheck(budget: PageBudget | undefined, paging: Paging): budget is PageBudget {
  return budget !== undefined && paging.limit * budget.documentBytes > budget.pageBytes
}
