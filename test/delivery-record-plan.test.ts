/**
 * Recording a worker's outcomes reaches each delivery by its id, however many rows the worker has
 * claimed before, and whatever plan PostgreSQL makes for it. Every claim writes a row version that names
 * the worker, and the `locked_by` index keeps an entry for each until a vacuum removes the dead ones: the
 * plan PostgreSQL kept for the statement when it was prepared looked rows up there, so each write read
 * the worker's whole history. Under a long backlog such writes ran past the statement timeout, the
 * leases of sends already made ran out, and those deliveries were sent a second time.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { type AttemptOutcome, attemptsRecord } from '../src/delivery/record-attempts.js'
import { ENGINES, suiteDatabase } from './support/harness.js'
import { genericPlanOf, nodes, rowsThrownAway } from './support/query-plan.js'
import { freshTenant } from './support/segment-helpers.js'

const EVENTS = 500
const TARGETS = 4
const WORKER = 'worker-a'

for (const engine of ENGINES) {
  describe(`recording delivery outcomes on ${engine}`, () => {
    const suite = suiteDatabase(engine)

    it("reads only the deliveries it records, however many rows the worker's earlier claims left behind", async () => {
      const db = suite.database.db
      const tenant = freshTenant('record-plan')
      await sql`
        insert into outbox_event (id, tenant, type, subject, payload, published_at)
        select gen_random_uuid(), ${tenant}, 'customer-segment.segment-created', 'segments/s' || i, '{}'::jsonb, now()
        from generate_series(1, ${EVENTS}::int) i`.execute(db)
      await sql`
        insert into delivery (tenant, event_sequence, config_code, target_id, state, attempts, next_attempt_at, created_at)
        select e.tenant, e.sequence, 'http', t::text, 'pending', 0, now(), now()
        from outbox_event e, generate_series(1, ${TARGETS}::int) t where e.tenant = ${tenant}`.execute(db)
      // Every row claimed by this worker and recorded, as a busy worker does, then three held by it now.
      await sql`update delivery set attempts = 1, locked_by = ${WORKER}, locked_at = now() where tenant = ${tenant}`.execute(db)
      await sql`update delivery set state = 'delivered', locked_by = null, locked_at = null, finished_at = now() where tenant = ${tenant}`.execute(db)
      const { rows: held } = await sql<{ id: number; locked_at: Date }>`
        update delivery set state = 'pending', attempts = 2, locked_by = ${WORKER}, locked_at = now(), finished_at = null
        where id in (select id from delivery where tenant = ${tenant} order by id desc limit 3)
        returning id, locked_at`.execute(db)
      // Another worker's row: named by an outcome of this worker's, it is left alone.
      const { rows: others } = await sql<{ id: number; locked_at: Date }>`
        update delivery set state = 'pending', attempts = 2, locked_by = 'worker-b', locked_at = now(), finished_at = null
        where id = (select min(id) from delivery where tenant = ${tenant})
        returning id, locked_at`.execute(db)
      const outcome = ({ id, locked_at }: { id: number; locked_at: Date }): AttemptOutcome => ({
        deliveryId: Number(id),
        attempt: 2,
        claimedAt: locked_at,
        startedAt: locked_at,
        durationMs: 3,
        status: 204,
        excerpt: null,
        error: null,
        requestHeaders: null,
        state: 'delivered',
        retryInMs: null,
      })
      const outcomes = [...held, ...others].map(outcome)

      // Planned as PostgreSQL plans a statement it keeps prepared: once, for any values.
      const statement = attemptsRecord(WORKER, outcomes).compile(db)
      const plan = await genericPlanOf(db, statement)
      const scans = [...nodes(plan)].filter((node) => node['Relation Name'] === 'delivery' && node['Node Type'] !== 'ModifyTable')
      assert.ok(scans.length > 0, 'the plan reads the delivery table')
      for (const scan of scans) {
        assert.equal(scan['Index Name'], 'delivery_pkey', `${scan['Node Type']} on ${scan['Index Name'] ?? 'no index'}`)
        // 'Actual Rows' is per loop (rounded): at most one row per probe, at most one probe per outcome.
        assert.ok(scan['Actual Rows'] <= 1 && scan['Actual Loops'] <= outcomes.length, `${scan['Actual Rows']} rows × ${scan['Actual Loops']} loops`)
      }
      const thrownAway = rowsThrownAway(plan)
      assert.ok(thrownAway <= 1, `${thrownAway} rows read only to be thrown away (at most the other worker's)`)

      // What the statement did: this worker's three rows recorded, the other worker's left as it was.
      const { rows: after } = await sql<{ id: number; state: string; locked_by: string | null }>`
        select id, state, locked_by from delivery where id = any(${outcomes.map((o) => o.deliveryId)}::bigint[]) order by id`.execute(db)
      assert.deepEqual(
        after.map((row) => [Number(row.id), row.state, row.locked_by]),
        [[Number(others[0].id), 'pending', 'worker-b'], ...held.map((row) => [Number(row.id), 'delivered', null]).sort((a, b) => Number(a[0]) - Number(b[0]))],
      )
      const { rows: logged } = await sql<{ n: number }>`
        select count(*)::int as n from delivery_attempt where delivery_id = any(${outcomes.map((o) => o.deliveryId)}::bigint[])`.execute(db)
      assert.equal(logged[0].n, outcomes.length, 'every attempt is logged, also the one whose row another worker holds')
    })
  })
}
