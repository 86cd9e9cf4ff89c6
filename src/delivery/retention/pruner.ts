/**
 * The retention loop of a delivery engine. Every `intervalMs`: the attempt log's time ranges are made
 * ahead and the expired ones dropped whole (attempt-partitions.ts); then batches of prune.ts until a batch
 * comes back short or the round's time budget is spent, so a backlog (a first start on an old database, a
 * burst) is worked off over several rounds instead of in one long stretch. A failed round (the database
 * away) is logged and the next round tries again.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { DeliveryLog } from '../worker.js'
import { ATTEMPT_PARTITION_MS, dropExpiredAttemptPartitions, ensureAttemptPartitions, pruneDefaultAttempts } from './attempt-partitions.js'
import { pruneDeliveries, pruneEvents } from './prune.js'

export interface PrunerOptions {
  db: Kysely<DB>
  log: DeliveryLog
  /** Rows older than this go. */
  retentionMs: number
  intervalMs?: number
  batchSize?: number
  /** Longest a round keeps deleting. */
  roundBudgetMs?: number
  /** How much time each range of the attempt log covers (whole seconds). */
  partitionMs?: number
  now?: () => Date
}

export interface RoundTotals {
  deliveries: number
  events: number
  /** Attempts deleted from the default partition. */
  attempts: number
  /** Ranges of the attempt log dropped. */
  ranges: number
}

export interface Pruner {
  /** Runs one round now (tests); resolves with what it deleted. */
  round(): Promise<RoundTotals>
  stop(): Promise<void>
}

const DEFAULT_INTERVAL_MS = 60_000
const DEFAULT_BATCH = 1_000
const DEFAULT_ROUND_BUDGET_MS = 5_000

export function startPruner({ db, log, retentionMs, intervalMs = DEFAULT_INTERVAL_MS, batchSize = DEFAULT_BATCH, roundBudgetMs = DEFAULT_ROUND_BUDGET_MS, partitionMs = ATTEMPT_PARTITION_MS, now = () => new Date() }: PrunerOptions): Pruner {
  let running: Promise<unknown> = Promise.resolve()
  let stopped = false
  let failing = false

  async function round(): Promise<RoundTotals> {
    const at = now()
    const cutoff = new Date(at.getTime() - retentionMs)
    const deadline = Date.now() + roundBudgetMs
    await ensureAttemptPartitions(db, at, partitionMs)
    const total = { deliveries: 0, events: 0, attempts: 0, ranges: (await dropExpiredAttemptPartitions(db, cutoff)).length }
    const batches = [
      ['deliveries', pruneDeliveries],
      ['attempts', pruneDefaultAttempts],
      ['events', pruneEvents],
    ] as const
    for (const [kind, prune] of batches) {
      for (;;) {
        const pruned = await prune(db, cutoff, batchSize)
        total[kind] += pruned
        if (pruned < batchSize || stopped || Date.now() > deadline) break
      }
    }
    return total
  }

  async function scheduled(): Promise<void> {
    try {
      const total = await round()
      if (Object.values(total).some((count) => count > 0)) log.info({ ...total, retentionDays: retentionMs / 86_400_000 }, 'retention: old deliveries and events deleted')
      failing = false
    } catch (error) {
      if (!failing) log.warn({ err: error }, 'retention: a round failed; the next one tries again')
      failing = true
    }
  }

  const timer = setInterval(() => {
    running = running.then(scheduled)
  }, intervalMs)
  timer.unref()
  running = running.then(scheduled)

  return {
    round: () => {
      const next = running.then(round)
      running = next.catch(() => {})
      return next
    },
    async stop() {
      stopped = true
      clearInterval(timer)
      await running.catch(() => {})
    },
  }
}
