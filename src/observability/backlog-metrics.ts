/**
 * Gauges of the backlog in the database (outbox lag, pending deliveries and retries, disabled targets,
 * rule evaluations, how far ahead the attempt log's ranges reach), computed when Prometheus scrapes. One
 * read serves all of them and every scrape within a second of it; only one read is under way at a time; a
 * scrape waits for it at most `budgetMs`, so a database that is down or slow never makes a scrape hang:
 * the other metrics are answered, `segments_database_up` says 0 and these gauges say NaN (their labelled
 * ones have no series) until a read succeeds. They describe the database, not this process: every process reports the same values
 * (aggregate with max()).
 */
import { Gauge, type Registry } from 'prom-client'
import type { Database } from '../db/database.js'
import { OTHER_LABEL, CONFIG_LABEL_LIMIT } from './bounded-labels.js'
import { type Backlog, readBacklog } from './read-backlog.js'

export interface BacklogOptions {
  /** Longest a scrape waits for the database (default 2 s). */
  budgetMs?: number
  /** A read this young is answered again rather than made anew (default 1 s). */
  maxAgeMs?: number
}

const DEFAULT_BUDGET_MS = 2_000
const DEFAULT_MAX_AGE_MS = 1_000

/** Per lane, the config codes with the most pending deliveries, the rest summed as OTHER_LABEL. */
function boundedPending(pending: Backlog['pending']): Backlog['pending'] {
  const result: Backlog['pending'] = []
  for (const lane of ['first', 'retry'] as const) {
    const rows = pending.filter((p) => p.lane === lane).sort((a, b) => b.count - a.count)
    result.push(...rows.slice(0, CONFIG_LABEL_LIMIT))
    const rest = rows.slice(CONFIG_LABEL_LIMIT).reduce((sum, p) => sum + p.count, 0)
    if (rest > 0) result.push({ configCode: OTHER_LABEL, lane, count: rest })
  }
  return result
}

export function backlogMetrics(registry: Registry, database: Database, options: BacklogOptions = {}): void {
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS
  let last: { at: number; backlog: Backlog } | undefined
  let reading: Promise<Backlog | undefined> | undefined
  /** The scrape in progress's read, shared by every gauge's collect. */
  let current: Promise<Backlog | undefined> | undefined

  function read(): Promise<Backlog | undefined> {
    if (last && Date.now() - last.at < maxAgeMs) return Promise.resolve(last.backlog)
    if (!database.availability.reachable) return Promise.resolve(undefined)
    reading ??= readBacklog(database.db, budgetMs)
      .then((backlog) => {
        last = { at: Date.now(), backlog }
        return backlog
      })
      .catch(() => undefined)
      .finally(() => {
        reading = undefined
      })
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), budgetMs)
    })
    return Promise.race([reading, late]).finally(() => clearTimeout(timer))
  }

  /** The gauges of one scrape all ask at once: one read for them. */
  function snapshot(): Promise<Backlog | undefined> {
    current ??= read().finally(() => {
      setImmediate(() => {
        current = undefined
      })
    })
    return current
  }

  const registers = [registry]
  const single = (name: string, help: string, value: (backlog: Backlog) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const backlog = await snapshot()
        this.set(backlog ? value(backlog) : Number.NaN)
      },
    })

  new Gauge({
    name: 'segments_database_up',
    help: 'Whether the database answered the backlog read of this scrape (1) or not within its budget (0)',
    registers,
    async collect() {
      this.set((await snapshot()) ? 1 : 0)
    },
  })
  single('segments_outbox_lag_seconds', 'Age of the oldest event not dispatched yet (0 when none waits)', (b) => b.outboxLagSeconds)
  single('segments_outbox_undispatched_events', 'Events committed and not dispatched to delivery rows yet', (b) => b.undispatchedEvents)
  new Gauge({
    name: 'segments_deliveries_pending',
    help: `Pending deliveries by lane (first: waiting for a first attempt, retry: waiting for a retry) and config code (the ${CONFIG_LABEL_LIMIT} codes with the most; the rest as _other)`,
    labelNames: ['lane', 'config'] as const,
    registers,
    async collect() {
      const backlog = await snapshot()
      this.reset()
      if (!backlog) return
      for (const { configCode, lane, count } of boundedPending(backlog.pending)) this.set({ lane, config: configCode }, count)
    },
  })
  single('segments_delivery_retry_backlog', 'Deliveries waiting for a retry after a failed attempt', (b) =>
    b.pending.reduce((sum, p) => (p.lane === 'retry' ? sum + p.count : sum), 0),
  )
  single(
    'segments_delivery_attempt_ranges_ahead_seconds',
    'How far past now the time ranges of the attempt log reach (retention keeps them two days ahead; negative: attempts go to the default partition; NaN: no ranges, retention off)',
    (b) => b.attemptRangesAheadSeconds,
  )
  single('segments_delivery_targets_disabled', 'Delivery targets disabled (a 410 answer, or 5 days of failures) and not re-enabled', (b) => b.disabledTargets)
  new Gauge({
    name: 'segments_rule_evaluations',
    help: 'Segment rule evaluations by state: pending (queued) or running',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      const backlog = await snapshot()
      this.reset()
      if (!backlog) return
      this.set({ state: 'pending' }, backlog.ruleEvaluations.pending)
      this.set({ state: 'running' }, backlog.ruleEvaluations.running)
    },
  })
  single('segments_rule_customers_left', 'Directory customers the queued and running rule evaluations have still to look at', (b) => b.ruleEvaluations.customersLeft)
}
