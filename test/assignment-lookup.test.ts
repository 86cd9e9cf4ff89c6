/**
 * A batch write or delete of customer assignments first reads the assignments it names, locked. Its cost
 * must follow the batch, not the segment: here the table's statistics were taken before the segment grew
 * (as on any install between two ANALYZEs), which once led the planner to compare every row of the
 * segment with every key of the batch.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { assignmentsOf } from '../src/assignments/customer-assignments.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { nodes, planOf } from './support/query-plan.js'
import { freshTenant } from './support/segment-helpers.js'

for (const engine of ENGINES) {
  describe(`looking up a batch of customer assignments on ${engine}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(engine)
    })
    after(async () => {
      await t.close()
    })

    it('reads one row per key at most, however large the segment has grown since the last ANALYZE', async () => {
      const db = t.database.db
      const tenant = freshTenant('lookup')
      await sql`
        insert into segment (tenant, id, name, site_code, status, version, created_at, modified_at)
        values (${tenant}, 'big', '{}'::jsonb, 'main', 'ACTIVE', 1, now(), now())`.execute(db)
      await sql`analyze customer_assignment`.execute(db)
      // After the statistics: they know nothing of this tenant's 950 assignments.
      await sql`
        insert into customer_assignment (tenant, segment_id, customer_id, assignment_type, version, created_at, modified_at)
        select ${tenant}, 'big', 'c' || i, 'MANUAL', 1, now(), now() from generate_series(1, 950) i`.execute(db)
      // 200 keys: 150 new customers and 50 of the segment's.
      const keys: [string, string][] = Array.from({ length: 200 }, (_, i) => [i < 150 ? `new${i}` : `c${i}`, ''])

      const { rows } = await sql<{ 'QUERY PLAN': unknown }>`explain (analyze, format json) ${assignmentsOf(tenant, 'big', keys, sql`a.*`)}`.execute(db)
      const plan = planOf(rows)
      const scans = [...nodes(plan)].filter((node) => node['Relation Name'] === 'customer_assignment')
      assert.ok(scans.length > 0, 'the plan reads the assignment table')
      // 'Actual Rows' is per loop (rounded): at most one row per probe, at most one probe per key.
      for (const scan of scans) {
        assert.ok(scan['Actual Rows'] <= 1 && scan['Actual Loops'] <= keys.length, `${scan['Node Type']}: ${scan['Actual Rows']} rows × ${scan['Actual Loops']} loops`)
      }
      const compared = [...nodes(plan)].reduce((sum, node) => sum + (node['Rows Removed by Join Filter'] ?? 0) + (node['Rows Removed by Filter'] ?? 0), 0)
      assert.equal(compared, 0, 'no row was read only to be thrown away')

      const { rows: found } = await sql<{ customer_id: string }>`${assignmentsOf(tenant, 'big', keys, sql`a.customer_id`)}`.execute(db)
      assert.deepEqual(found.map((row) => row.customer_id).sort(), keys.slice(150).map(([id]) => id).sort())
    })
  })
}
