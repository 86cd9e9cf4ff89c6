/**
 * SQL over a tenant's directory with a compiled rule: how many customers (or, in B2B mode, customer and
 * legal entity pairs from `legalEntityIds`) match out of how many, and which ones, in id order.
 */
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { DB } from '../db/schema.js'
import type { RuleMode } from './rule-query.js'

export interface RuleMatch {
  id: string
  email?: string
  firstName?: string
  lastName?: string
  /** B2B mode only. */
  legalEntityId?: string
}

/** The rows a rule is evaluated over: customers `c`, or each customer with each of its legal entities `le`. */
function source(mode: RuleMode): RawBuilder<unknown> {
  if (mode === 'customer') return sql`directory_customer c`
  return sql`directory_customer c cross join lateral unnest(c.legal_entity_ids) as l(id) left join directory_legal_entity le on le.tenant = c.tenant and le.id = l.id`
}

export async function countMatches(db: Kysely<DB>, tenant: string, mode: RuleMode, condition: RawBuilder<SqlBool>): Promise<{ matching: number; total: number }> {
  const { rows } = await sql<{ matching: number; total: number }>`
    select (count(*) filter (where ${condition}))::int as matching, count(*)::int as total
    from ${source(mode)} where c.tenant = ${tenant}`.execute(db)
  return rows[0]
}

export async function listMatches(db: Kysely<DB>, tenant: string, mode: RuleMode, condition: RawBuilder<SqlBool>, limit: number): Promise<RuleMatch[]> {
  const pair = mode === 'b2b' ? sql`, l.id as legal_entity_id` : sql``
  const order = mode === 'b2b' ? sql`c.id, l.id` : sql`c.id`
  const { rows } = await sql<{ id: string; email: string | null; first_name: string | null; last_name: string | null; legal_entity_id?: string }>`
    select c.id, c.email, c.first_name, c.last_name${pair}
    from ${source(mode)} where c.tenant = ${tenant} and ${condition}
    order by ${order} limit ${limit}`.execute(db)
  return rows.map((row) => {
    const match: RuleMatch = { id: row.id }
    if (row.email !== null) match.email = row.email
    if (row.first_name !== null) match.firstName = row.first_name
    if (row.last_name !== null) match.lastName = row.last_name
    if (row.legal_entity_id !== undefined) match.legalEntityId = row.legal_entity_id
    return match
  })
}
