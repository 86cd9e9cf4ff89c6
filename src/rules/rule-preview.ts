/**
 * A rule tried out before it is saved: how many of the tenant's customers (or customer and legal entity
 * pairs) it selects, out of how many, and the first of them by id. Nothing is written. Both statements read
 * one snapshot; on PostgreSQL they run under the request's statement timeout.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { countMatches, listMatches, type RuleMatch } from './rule-matches.js'
import { compileRule } from './rule-query.js'

export const PREVIEW_SAMPLE_SIZE = 20

export interface RulePreview {
  matching: number
  total: number
  sample: RuleMatch[]
}

export async function previewRule(db: Kysely<DB>, tenant: string, query: string, options: { b2b: boolean; now: Date }): Promise<RulePreview> {
  const mode = options.b2b ? 'b2b' : 'customer'
  const condition = compileRule(query, { mode, tenant, now: options.now })
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      const counts = await countMatches(tx, tenant, mode, condition)
      const sample = await listMatches(tx, tenant, mode, condition, PREVIEW_SAMPLE_SIZE)
      return { ...counts, sample }
    })
}
