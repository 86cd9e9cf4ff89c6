/**
 * The dispatcher's batch write is a prepared statement: PostgreSQL may keep one plan for it, made for any
 * values. That plan must reach the batch's events and targets through their keys, so that a write costs
 * what its batch holds, not what the outbox and the target table have grown to. (Planned at PostgreSQL's
 * default random_page_cost of 4 instead of the service's, it read the whole target table at every batch.)
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { batchWrite, type PlannedDelivery } from '../src/delivery/dispatch-events.js'
import { ENGINES, suiteDatabase } from './support/harness.js'
import { genericPlanOf, nodes, rowsThrownAway } from './support/query-plan.js'
import { freshTenant } from './support/segment-helpers.js'

/** Other tenants' history: dispatched events and their targets, far more than one batch. */
const HISTORY_EVENTS = 20_000
const OTHER_TARGETS = 2_000
const BATCH = 50
const TARGETS = 4
const WORKER = 'worker-a'

for (const engine of ENGINES) {
  describe(`the dispatcher's batch write on ${engine}`, () => {
    const suite = suiteDatabase(engine)

    for (const optimistic of [false, true]) {
      it(`reads only its batch's events and targets under a generic plan (${optimistic ? 'events read without a lock' : 'events locked'})`, async () => {
        const db = suite.database.db
        const tenant = freshTenant(optimistic ? 'dispatch-plan-o' : 'dispatch-plan')
        await sql`
          insert into outbox_event (id, tenant, type, subject, payload, published_at, dispatched_at)
          select gen_random_uuid(), 'other-' || (i % 100), 'customer-segment.segment-created', 'segments/s' || i, '{}'::jsonb, now(), now()
          from generate_series(1, ${HISTORY_EVENTS}::int) i`.execute(db)
        await sql`
          insert into delivery_target (tenant, config_code, target_id)
          select 'other-' || i, 'http', 'http' from generate_series(1, ${OTHER_TARGETS}::int) i
          on conflict do nothing`.execute(db)
        // The batch: new events of one tenant, to four targets (two of which exist already).
        const { rows: events } = await sql<{ sequence: string }>`
          insert into outbox_event (id, tenant, type, subject, payload, published_at)
          select gen_random_uuid(), ${tenant}, 'customer-segment.segment-created', 'segments/s' || i, '{}'::jsonb, now()
          from generate_series(1, ${BATCH}::int) i
          returning sequence`.execute(db)
        await sql`insert into delivery_target (tenant, config_code, target_id) values (${tenant}, 'http', 't1'), (${tenant}, 'http', 't2')`.execute(db)
        await sql`analyze outbox_event`.execute(db)
        await sql`analyze delivery_target`.execute(db)
        const sequences = events.map((row) => Number(row.sequence))
        const planned: PlannedDelivery[] = sequences.flatMap((sequence) =>
          Array.from({ length: TARGETS }, (_, t) => ({
            tenant,
            sequence,
            configCode: 'http',
            targetId: `t${t + 1}`,
            refusal: null,
            limitRefusal: null,
            handOver: t < 2,
          })),
        )

        const statement = batchWrite(planned, sequences, 'test', { workerId: WORKER, leaseMs: 60_000 }, optimistic).compile(db)
        const plan = await genericPlanOf(db, statement)
        for (const relation of ['outbox_event', 'delivery_target']) {
          const scans = [...nodes(plan)].filter((node) => node['Relation Name'] === relation && node['Node Type'] !== 'ModifyTable')
          assert.ok(scans.length > 0, `the plan reads ${relation}`)
          for (const scan of scans) {
            assert.notEqual(scan['Node Type'], 'Seq Scan', `${relation} read whole: ${scan['Actual Rows']} rows`)
            // 'Actual Rows' is per loop (rounded): at most the batch's.
            assert.ok(scan['Actual Rows'] <= BATCH * TARGETS, `${relation}: ${scan['Actual Rows']} rows × ${scan['Actual Loops']} loops`)
          }
        }
        assert.ok(rowsThrownAway(plan) <= BATCH * TARGETS, `${rowsThrownAway(plan)} rows read only to be thrown away`)

        // What it did: the batch's events dispatched, four deliveries each, two of them claimed for the worker.
        const { rows: written } = await sql<{ events: number; deliveries: number; claimed: number; targets: number }>`
          select (select count(*) from outbox_event where tenant = ${tenant} and dispatched_at is not null)::int as events,
                 (select count(*) from delivery where tenant = ${tenant})::int as deliveries,
                 (select count(*) from delivery where tenant = ${tenant} and locked_by = ${WORKER})::int as claimed,
                 (select count(*) from delivery_target where tenant = ${tenant})::int as targets`.execute(db)
        assert.deepEqual(written[0], { events: BATCH, deliveries: BATCH * TARGETS, claimed: BATCH * 2, targets: TARGETS })
      })
    }
  })
}
