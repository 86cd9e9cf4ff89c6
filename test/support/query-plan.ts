/** Reading the plans `explain (analyze, format json)` gives, for tests that check how a statement reads its tables. */
import { type CompiledQuery, type Kysely, sql } from 'kysely'
import pg from 'pg'
import { prepareValue } from 'pg/lib/utils.js'
import type { DB } from '../../src/db/schema.js'

export interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  'Actual Rows': number
  'Actual Loops': number
  'Rows Removed by Join Filter'?: number
  'Rows Removed by Filter'?: number
  'Rows Removed by Index Recheck'?: number
  Plans?: PlanNode[]
}

/** The plan's nodes, the root first. */
export function* nodes(node: PlanNode): Generator<PlanNode> {
  yield node
  for (const child of node.Plans ?? []) yield* nodes(child)
}

/** Rows the plan read only to throw them away: removed by a filter, a join filter or an index recheck. */
export function rowsThrownAway(plan: PlanNode): number {
  let sum = 0
  for (const node of nodes(plan)) sum += (node['Rows Removed by Join Filter'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)
  return sum
}

/** The root of the plan in the first row an `explain (format json)` returned, whether the engine gave it as text or parsed. */
export function planOf(rows: { 'QUERY PLAN': unknown }[]): PlanNode {
  const raw = rows[0]['QUERY PLAN']
  const [{ Plan: plan }] = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }]
  return plan
}

/**
 * The plan of `statement` as PostgreSQL plans a statement it keeps prepared: once, for any values (a
 * generic plan, forced), then run with the statement's own values (`explain analyze`).
 */
export async function genericPlanOf(db: Kysely<DB>, statement: CompiledQuery): Promise<PlanNode> {
  const values = statement.parameters.map((value) => (value === null ? 'null' : pg.escapeLiteral(String(prepareValue(value))))).join(', ')
  const rows = await db.connection().execute(async (connection) => {
    await sql`set plan_cache_mode = force_generic_plan`.execute(connection)
    await sql.raw(`prepare generic_plan as ${statement.sql}`).execute(connection)
    try {
      return (await sql.raw<{ 'QUERY PLAN': unknown }>(`explain (analyze, format json) execute generic_plan(${values})`).execute(connection)).rows
    } finally {
      await sql`deallocate generic_plan`.execute(connection)
      await sql`reset plan_cache_mode`.execute(connection)
    }
  })
  return planOf(rows)
}
