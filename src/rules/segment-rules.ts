/**
 * A segment's rule, the sub-resource `/segments/{id}/rule`: read, write and remove. Writing a new or
 * changed rule (or removing one) queues a full evaluation over the directory (rule-evaluator.ts), whose
 * progress the rule shows; removal takes the rule's automatic assignments away the same way and then the
 * rule itself. The segment's own body never carries the rule, so a client writing the segment keeps it.
 */
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely'
import type { DB, SegmentRuleTable } from '../db/schema.js'
import { lockSegmentMembership } from '../assignments/lock-segment.js'
import { errors } from '../errors.js'
import { lockTenantRules } from './rule-locks.js'
import { compileRule, parseRule, RULE_LIMITS, ruleTraits } from './rule-query.js'

/** NOTIFY channel told that a rule waits for evaluation. */
export const RULES_CHANNEL = 'css_rules'

export type EvaluationState = SegmentRuleTable['state']

export interface RuleEvaluation {
  state: EvaluationState
  /** Directory customers evaluated so far, out of `total` when the evaluation started. */
  evaluated: number
  total: number
  added: number
  removed: number
  startedAt?: string
  finishedAt?: string
  /** Why the last chunk failed; it is tried again. */
  error?: string
}

export interface SegmentRule {
  query: string
  b2b: boolean
  /** It compares with `now` and is evaluated again on a schedule. */
  relative: boolean
  evaluation: RuleEvaluation
  metadata: { version: number; createdAt: string; modifiedAt: string }
}

export interface RuleInput {
  query: string
  b2b?: boolean
  metadata?: { version?: number }
}

type Row = Selectable<SegmentRuleTable>

function present(row: Row & { query: string }): SegmentRule {
  const evaluation: RuleEvaluation = { state: row.state, evaluated: row.evaluated, total: row.total, added: row.added, removed: row.removed }
  if (row.started_at) evaluation.startedAt = row.started_at.toISOString()
  if (row.finished_at) evaluation.finishedAt = row.finished_at.toISOString()
  if (row.error) evaluation.error = row.error
  return {
    query: row.query,
    b2b: row.b2b,
    relative: row.relative,
    evaluation,
    metadata: { version: row.version, createdAt: row.created_at.toISOString(), modifiedAt: row.modified_at.toISOString() },
  }
}

async function requireSegment(db: Kysely<DB>, tenant: string, segmentId: string): Promise<void> {
  const segment = await db.selectFrom('segment').select('id').where('tenant', '=', tenant).where('id', '=', segmentId).executeTakeFirst()
  if (!segment) throw errors.notFound(segmentId)
}

export async function getRule(db: Kysely<DB>, tenant: string, segmentId: string): Promise<SegmentRule> {
  const row = await db.selectFrom('segment_rule').selectAll().where('tenant', '=', tenant).where('segment_id', '=', segmentId).executeTakeFirst()
  if (row?.query == null) {
    await requireSegment(db, tenant, segmentId)
    throw errors.noRule(segmentId)
  }
  return present(row as Row & { query: string })
}

/** The evaluation a new or changed rule starts with. */
function queued(now: Date) {
  return {
    state: 'PENDING' as const,
    cursor: null,
    evaluated: 0,
    total: 0,
    added: 0,
    removed: 0,
    started_at: null,
    finished_at: null,
    error: null,
    progressed_at: now,
  }
}

/**
 * Creates or changes the rule. A stale `metadata.version` is a 409; a rule PostgreSQL cannot run (a regex
 * it refuses) is a 400 naming `query`. Saving the same rule again changes nothing.
 */
export async function putRule(db: Kysely<DB>, tenant: string, segmentId: string, input: RuleInput): Promise<{ created: boolean; rule: SegmentRule }> {
  const node = parseRule(input.query)
  const b2b = input.b2b ?? false
  compileRule(input.query, { mode: b2b ? 'b2b' : 'customer', tenant, now: new Date() })
  const { relative, patterns } = ruleTraits(node)
  return db.transaction().execute(async (tx) => {
    await lockTenantRules(tx, tenant, 'exclusive')
    await lockSegmentMembership(tx, tenant, segmentId)
    if (patterns.length > 0) await sql`select ''::text ~ p from unnest(${patterns}::text[]) as p`.execute(tx)
    const current = await tx.selectFrom('segment_rule').selectAll().where('tenant', '=', tenant).where('segment_id', '=', segmentId).forUpdate().executeTakeFirst()
    const exists = current?.query != null
    const version = input.metadata?.version
    if (version !== undefined && (!exists || version !== current.version)) throw errors.versionConflict(`${segmentId}/rule`)
    if (exists && current.query === input.query && current.b2b === b2b) return { created: false, rule: present(current as Row & { query: string }) }
    if (!exists) await checkRuleCount(tx, tenant)
    const now = new Date()
    const row = await tx
      .insertInto('segment_rule')
      .values({ tenant, segment_id: segmentId, query: input.query, b2b, relative, version: 1, created_at: now, modified_at: now, ...queued(now) })
      .onConflict((oc) =>
        oc.columns(['tenant', 'segment_id']).doUpdateSet({
          query: input.query,
          b2b,
          relative,
          version: sql<number>`segment_rule.version + 1`,
          created_at: exists ? sql<Date>`segment_rule.created_at` : now,
          modified_at: now,
          ...queued(now),
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow()
    await sql`select pg_notify(${RULES_CHANNEL}, '')`.execute(tx)
    return { created: !exists, rule: present(row as Row & { query: string }) }
  })
}

/** Every directory write evaluates all the tenant's rules: their number bounds what a write costs. */
async function checkRuleCount(tx: Transaction<DB>, tenant: string): Promise<void> {
  const { rows } = await sql<{ rules: number }>`select count(*)::int as rules from segment_rule where tenant = ${tenant} and query is not null`.execute(tx)
  if (rows[0].rules >= RULE_LIMITS.perTenant) {
    throw errors.invalidParameter('query', `the tenant has ${rows[0].rules} segments with a rule, the most allowed; remove one first`)
  }
}

/** Removes the rule; its automatic assignments go in the background. Returns whether there was one. */
export async function deleteRule(db: Kysely<DB>, tenant: string, segmentId: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    await lockTenantRules(tx, tenant, 'exclusive')
    await lockSegmentMembership(tx, tenant, segmentId)
    const now = new Date()
    const result = await tx
      .updateTable('segment_rule')
      .set({ query: null, relative: false, version: sql<number>`version + 1`, modified_at: now, ...queued(now) })
      .where('tenant', '=', tenant)
      .where('segment_id', '=', segmentId)
      .where('query', 'is not', null)
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) === 0) return false
    await sql`select pg_notify(${RULES_CHANNEL}, '')`.execute(tx)
    return true
  })
}
