/**
 * `segments/match`: which of the given products belong to the given segments of a site — assigned
 * directly, or through an assigned category (the product's own categories and all their ancestors, so
 * assigning a category covers its sub-categories). Only effective segments count.
 */
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import { PREPARED } from '../db/prepared-statement.js'
import type { DB } from '../db/schema.js'
import { isEffective } from '../segments/effective.js'
import { isMemberOf, type Membership } from './membership.js'

/** Deeper category chains than this are treated as cycles in the directory data. */
export const MAX_CATEGORY_DEPTH = 32

export interface MatchRequest {
  siteCode: string
  productIds: string[]
  segmentIds: string[]
  /** A customer's view: only segments they are assigned to. */
  member?: Membership
}

/** Returns the matching product ids, in request order, without duplicates. */
export async function matchProducts(db: Kysely<DB>, tenant: string, request: MatchRequest): Promise<string[]> {
  const products = [...new Set(request.productIds)]
  if (products.length === 0 || request.segmentIds.length === 0) return []
  const { rows } = await productMatch(tenant, { ...request, productIds: products }).execute(db)
  const matched = new Set(rows.map((r) => r.id))
  return products.filter((id) => matched.has(id))
}

/** The statement {@link matchProducts} runs: the ids among `request.productIds` (distinct, non-empty) that match. */
export function productMatch(tenant: string, request: MatchRequest): RawBuilder<{ id: string }> {
  const products = request.productIds
  const member: RawBuilder<SqlBool> = request.member ? isMemberOf('s.tenant', 's.id', request.member) : sql<SqlBool>`true`
  return sql<{ id: string }>`${PREPARED}
    with recursive
      chosen as (
        select s.id from segment s
        where s.tenant = ${tenant} and s.id = any(${request.segmentIds}::text[]) and s.site_code = ${request.siteCode}
          and ${isEffective('s')} and ${member}
      ),
      lineage (product_id, category_id, depth) as (
        select p.id, c.category_id, 0
        from directory_product p cross join unnest(p.category_ids) as c (category_id)
        where p.tenant = ${tenant} and p.id = any(${products}::text[])
        union
        select l.product_id, dc.parent_id, l.depth + 1
        from lineage l join directory_category dc on dc.tenant = ${tenant} and dc.id = l.category_id
        where dc.parent_id is not null and l.depth < ${MAX_CATEGORY_DEPTH}
      )
    select ia.item_id as id from item_assignment ia
    where ia.tenant = ${tenant} and ia.type = 'PRODUCT' and ia.item_id = any(${products}::text[])
      and ia.segment_id in (select id from chosen)
    union
    select l.product_id from lineage l
    join item_assignment ia on ia.tenant = ${tenant} and ia.type = 'CATEGORY' and ia.item_id = l.category_id
    where ia.segment_id in (select id from chosen)`
}
