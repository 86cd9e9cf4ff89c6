/**
 * The statement that appends events is prepared: PostgreSQL may keep one plan for it, made for any values.
 * It looks up each event's routing version, and that lookup must go by the tenant's key, so that a write
 * costs what its events are, not how many tenants have configured webhooks.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import type { EventType } from '../src/events/catalogue.js'
import { eventsAppend, type NewEvent } from '../src/events/outbox.js'
import { ENGINES, suiteDatabase } from './support/harness.js'
import { genericPlanOf, nodes } from './support/query-plan.js'
import { freshTenant } from './support/segment-helpers.js'

const OTHER_TENANTS = 2_000
const EVENTS = 20

for (const engine of ENGINES) {
  describe(`appending events on ${engine}`, () => {
    const suite = suiteDatabase(engine)

    it("looks up the events' routing versions by key under a generic plan, however many tenants have one", async () => {
      const db = suite.database.db
      const tenant = freshTenant('outbox-plan')
      await sql`
        insert into webhook_routing_version (tenant, version)
        select 'other-' || i, 1 from generate_series(1, ${OTHER_TENANTS}::int) i
        on conflict do nothing`.execute(db)
      await sql`insert into webhook_routing_version (tenant, version) values (${tenant}, 7)`.execute(db)
      await sql`analyze webhook_routing_version`.execute(db)
      const events: NewEvent<EventType>[] = Array.from({ length: EVENTS }, (_, i) => ({
        type: 'customer-segment.segment-deleted',
        tenant,
        subject: `segments/s${i}`,
        payload: { id: `s${i}`, tenant },
      }))

      const plan = await genericPlanOf(db, eventsAppend(events).compile(db))
      const lookups = [...nodes(plan)].filter((node) => node['Relation Name'] === 'webhook_routing_version')
      assert.ok(lookups.length > 0, 'the plan reads webhook_routing_version')
      for (const lookup of lookups) {
        assert.notEqual(lookup['Node Type'], 'Seq Scan', `webhook_routing_version read whole: ${lookup['Actual Rows']} rows × ${lookup['Actual Loops']} loops`)
        assert.ok(lookup['Actual Rows'] <= 1 && (lookup['Rows Removed by Filter'] ?? 0) === 0, `${lookup['Actual Rows']} rows per probe`)
      }

      const { rows } = await sql<{ n: number }>`select count(*)::int as n from outbox_event where tenant = ${tenant}`.execute(db)
      assert.equal(rows[0].n, EVENTS)
    })
  })
}
