/**
 * Full evaluations of rules, in the background: a new or changed rule (or a removed one, whose automatic
 * assignments go) walks the tenant's directory in chunks of customer ids, each chunk one transaction with
 * its assignments and events, its progress and its cursor, so it survives a restart where it stopped.
 *
 * - A chunk holds its segment's membership lock exclusively (rule-locks.ts): directory writes wait for it
 *   and it for them, so it never reads a write half done, and every write is evaluated against the rule
 *   by itself or by the chunk, never by neither.
 * - Rules take turns, the one whose last chunk ran longest ago first: a large tenant's evaluation does not
 *   hold up another's. Any number of evaluators may run (every serve and worker process has one); two on
 *   the same rule take turns on its chunks.
 * - Rules that compare with `now` are queued again when their last evaluation started `relativeIntervalMs`
 *   ago; whichever evaluator gets there first runs it.
 */
import { type Kysely, sql } from 'kysely'
import type { BaseLogger } from 'pino'
import type { Database } from '../db/database.js'
import type { DB } from '../db/schema.js'
import { failurePause } from '../delivery/failure-pause.js'
import { lockMemberships } from './rule-locks.js'
import { syncMembership } from './membership-sync.js'
import { RULES_CHANNEL } from './segment-rules.js'

export interface ChunkOptions {
  /** Directory customers per chunk (one transaction). */
  chunkSize: number
  /** What `now` means for relative dates (tests pin it). */
  now?: () => Date
}

export interface ChunkReport {
  tenant: string
  segmentId: string
  evaluated: number
  added: number
  removed: number
  /** The chunk ended the evaluation. */
  finished: boolean
}

/** Runs the next chunk of the rule that has waited longest; undefined when no evaluation is due. */
export async function evaluateNextChunk(db: Kysely<DB>, options: ChunkOptions): Promise<ChunkReport | undefined> {
  const candidate = await db
    .selectFrom('segment_rule')
    .select(['tenant', 'segment_id'])
    .where('state', '<>', 'DONE')
    .orderBy('progressed_at')
    .limit(1)
    .executeTakeFirst()
  if (!candidate) return undefined
  const { tenant, segment_id: segmentId } = candidate
  try {
    return await runChunk(db, tenant, segmentId, options)
  } catch (error) {
    // To the back of the queue, saying why: a chunk that keeps failing (a statement timeout, say) must
    // not hold up the other rules. When the database is out of reach this write fails as well.
    await db
      .updateTable('segment_rule')
      .set({ error: error instanceof Error ? error.message : String(error), progressed_at: new Date() })
      .where('tenant', '=', tenant)
      .where('segment_id', '=', segmentId)
      .execute()
      .catch(() => {})
    throw error
  }
}

async function runChunk(db: Kysely<DB>, tenant: string, segmentId: string, options: ChunkOptions): Promise<ChunkReport> {
  return db.transaction().execute(async (tx) => {
    await lockMemberships(tx, tenant, [], segmentId)
    const rule = await tx.selectFrom('segment_rule').selectAll().where('tenant', '=', tenant).where('segment_id', '=', segmentId).forUpdate().executeTakeFirst()
    // Finished (or its segment deleted) by someone else meanwhile.
    if (!rule || rule.state === 'DONE') return { tenant, segmentId, evaluated: 0, added: 0, removed: 0, finished: false }
    const now = options.now?.() ?? new Date()
    const progress = { evaluated: rule.evaluated, total: rule.total, added: rule.added, removed: rule.removed, started_at: rule.started_at }
    if (rule.state === 'PENDING') {
      const { rows } = await sql<{ total: number }>`select count(*)::int as total from directory_customer where tenant = ${tenant}`.execute(tx)
      Object.assign(progress, { evaluated: 0, total: rows[0].total, added: 0, removed: 0, started_at: new Date() })
    }
    const ids = await tx
      .selectFrom('directory_customer')
      .select('id')
      .where('tenant', '=', tenant)
      .$if(rule.cursor !== null, (q) => q.where('id', '>', rule.cursor as string))
      .orderBy('id')
      .limit(options.chunkSize)
      .execute()
    // The last chunk is open-ended: it also takes automatic assignments of customers no longer in the directory.
    const finished = ids.length < options.chunkSize
    const upTo = finished ? null : ids[ids.length - 1].id
    const counts = await syncMembership(tx, tenant, [{ segmentId, query: rule.query, b2b: rule.b2b }], { after: rule.cursor, upTo }, now)
    const where = (q: ReturnType<typeof tx.updateTable<'segment_rule'>>) => q.where('tenant', '=', tenant).where('segment_id', '=', segmentId)
    if (finished && rule.query === null) {
      await tx.deleteFrom('segment_rule').where('tenant', '=', tenant).where('segment_id', '=', segmentId).execute()
    } else {
      await where(tx.updateTable('segment_rule'))
        .set({
          state: finished ? 'DONE' : 'RUNNING',
          cursor: upTo,
          evaluated: progress.evaluated + ids.length,
          total: Math.max(progress.total, progress.evaluated + ids.length),
          added: progress.added + counts.added,
          removed: progress.removed + counts.removed,
          started_at: progress.started_at,
          finished_at: finished ? new Date() : null,
          error: null,
          progressed_at: new Date(),
        })
        .execute()
    }
    return { tenant, segmentId, evaluated: ids.length, ...counts, finished }
  })
}

/** Queues rules with relative dates whose last evaluation started at or before `startedBefore`. */
export async function requeueRelativeRules(db: Kysely<DB>, startedBefore: Date): Promise<number> {
  const now = new Date()
  const result = await db
    .updateTable('segment_rule')
    .set({ state: 'PENDING', cursor: null, progressed_at: now })
    .where('relative', '=', true)
    .where('state', '=', 'DONE')
    .where('query', 'is not', null)
    .where('started_at', '<=', startedBefore)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** Runs chunks until no evaluation is due (tests, and `segments` commands that want membership settled). */
export async function evaluateAll(db: Kysely<DB>, options: ChunkOptions): Promise<ChunkReport[]> {
  const reports: ChunkReport[] = []
  for (;;) {
    const report = await evaluateNextChunk(db, options)
    if (!report) return reports
    reports.push(report)
  }
}

export interface RuleEvaluatorOptions {
  database: Database
  log: Pick<BaseLogger, 'debug' | 'info' | 'warn' | 'error'>
  chunkSize: number
  /** How often rules with relative dates are evaluated again. */
  relativeIntervalMs: number
  /** The fallback poll, for notifications lost while a connection was down. */
  pollMs?: number
  /** Called after each chunk has committed. */
  onChunk?: (report: ChunkReport) => void
}

export interface RuleEvaluator {
  wake(): void
  stop(): Promise<void>
}

const DEFAULT_POLL_MS = 1_000
/** How often an evaluator looks for relative rules to queue again. */
const REQUEUE_EVERY_MS = 60_000

/**
 * Assignments changed by evaluations past which their statistics are refreshed when the evaluator falls
 * idle. Directory writes read a tenant's assignments by customer; planned on statistics from before
 * evaluations added them (to a new tenant, statistics show none, and autovacuum waits for a tenth of the
 * whole table to change), that read scanned all of the tenant's assignments: 40 ms per 1,000-customer
 * batch at 90,000 assignments.
 */
const ANALYZE_AFTER_CHANGES = 1_000

export async function startRuleEvaluator(options: RuleEvaluatorOptions): Promise<RuleEvaluator> {
  const { database, log, chunkSize, relativeIntervalMs } = options
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS
  const pause = failurePause(database.availability, log)
  let stopping = false
  let wakeUp: (() => void) | undefined
  let lastRequeue = 0
  let changedSinceAnalyze = 0
  const running = new Map<string, { startedAt: number; evaluated: number; added: number; removed: number }>()

  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs)
      function done() {
        clearTimeout(timer)
        wakeUp = undefined
        resolve()
      }
      wakeUp = done
    })

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        if (Date.now() - lastRequeue >= Math.min(REQUEUE_EVERY_MS, relativeIntervalMs)) {
          const queued = await requeueRelativeRules(database.db, new Date(Date.now() - relativeIntervalMs))
          lastRequeue = Date.now()
          if (queued > 0) log.debug({ rules: queued }, 'rules with relative dates queued for evaluation')
        }
        const report = await evaluateNextChunk(database.db, { chunkSize })
        pause.succeeded()
        if (!report) {
          if (changedSinceAnalyze >= ANALYZE_AFTER_CHANGES) {
            await sql`analyze customer_assignment`.execute(database.db)
            changedSinceAnalyze = 0
          }
          await idle()
          continue
        }
        changedSinceAnalyze += report.added + report.removed
        options.onChunk?.(report)
        log.debug(report, 'rule chunk evaluated')
        const key = `${report.tenant}/${report.segmentId}`
        const seen = running.get(key) ?? { startedAt: Date.now(), evaluated: 0, added: 0, removed: 0 }
        seen.evaluated += report.evaluated
        seen.added += report.added
        seen.removed += report.removed
        running.set(key, seen)
        if (report.finished) {
          running.delete(key)
          const { startedAt, ...counts } = seen
          log.info({ tenant: report.tenant, segmentId: report.segmentId, ...counts, ms: Date.now() - startedAt }, 'rule evaluated')
        }
      } catch (error) {
        await pause.after(error, 'rule evaluation')
      }
    }
  }

  const unlisten = await database.listen(RULES_CHANNEL, () => wakeUp?.())
  const done = loop()
  return {
    wake: () => wakeUp?.(),
    async stop() {
      stopping = true
      pause.cancel()
      wakeUp?.()
      await done
      await unlisten().catch(() => {})
    },
  }
}
