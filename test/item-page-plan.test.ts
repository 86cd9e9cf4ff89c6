/**
 * A customer's item list reads the customer's own segments and their assignments, and nothing else of the
 * tenant's, whatever plan PostgreSQL keeps for the prepared statement. Joined the other way round (the
 * tenant's segments to the assignments, the membership as a condition), the generic plan read every
 * segment of the tenant in id order to merge it with the customer's few: a cost that grew with the
 * tenant's segments, for a page it sorted anyway.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { storefrontPage } from '../src/assignments/item-assignment-query.js'
import type { Database } from '../src/db/database.js'
import { ENGINES, openTestDatabase } from './support/harness.js'
import { genericPlanOf, nodes } from './support/query-plan.js'
import { freshTenant } from './support/segment-helpers.js'

const SEGMENTS = 1_000
const ITEMS_PER_SEGMENT = 20
/** The customer's segments: spread over the tenant's, as members' segments are. */
const MEMBER_OF = [37, 237, 437, 637, 837]
const segmentId = (n: number) => `seg-${String(n).padStart(5, '0')}`

for (const engine of ENGINES) {
  describe(`a customer's item list on ${engine}`, () => {
    let database: Database
    let dispose: () => Promise<void>
    before(async () => {
      ;({ database, dispose } = await openTestDatabase(engine))
    })
    after(async () => {
      await dispose()
    })

    it("reads only the customer's segments and their assignments, under the plan kept for any customer", async () => {
      const db = database.db
      const tenant = freshTenant('item-page')
      await sql`
        insert into segment (tenant, id, name, site_code, status, version, created_at, modified_at)
        select ${tenant}, 'seg-' || lpad(n::text, 5, '0'), '{}'::jsonb, 'main', 'ACTIVE', 1, now(), now()
        from generate_series(0, ${SEGMENTS - 1}::int) n`.execute(db)
      await sql`
        insert into item_assignment (tenant, segment_id, type, item_id, version, created_at, modified_at)
        select ${tenant}, 'seg-' || lpad(n::text, 5, '0'), 'PRODUCT', 'prod-' || lpad((n * 7 + j)::text, 6, '0'), 1, now(), now()
        from generate_series(0, ${SEGMENTS - 1}::int) n, generate_series(1, ${ITEMS_PER_SEGMENT}::int) j`.execute(db)
      await sql`
        insert into customer_assignment (tenant, segment_id, customer_id, assignment_type, version, created_at, modified_at)
        select ${tenant}, 'seg-' || lpad(n::text, 5, '0'), 'c' || (n % 200), 'MANUAL', 1, now(), now()
        from generate_series(0, ${SEGMENTS - 1}::int) n`.execute(db)
      await sql`
        insert into customer_assignment (tenant, segment_id, customer_id, assignment_type, version, created_at, modified_at)
        select ${tenant}, s, 'member', 'MANUAL', 1, now(), now() from unnest(${MEMBER_OF.map(segmentId)}::text[]) s`.execute(db)
      await sql`analyze segment`.execute(db)
      await sql`analyze item_assignment`.execute(db)
      await sql`analyze customer_assignment`.execute(db)

      const limit = 60
      const statement = storefrontPage(db, tenant, { member: { customerId: 'member' }, onlyActive: true, withTotal: false }, 'texts', { limit, offset: 0 })
      const plan = await genericPlanOf(db, statement)
      const segmentRows = [...nodes(plan)].filter((node) => node['Relation Name'] === 'segment').reduce((sum, node) => sum + node['Actual Rows'] * node['Actual Loops'], 0)
      assert.ok(segmentRows <= MEMBER_OF.length, `${segmentRows} segment rows read for a customer in ${MEMBER_OF.length}`)
      const assignmentRows = [...nodes(plan)]
        .filter((node) => node['Relation Name'] === 'item_assignment')
        .reduce((sum, node) => sum + node['Actual Rows'] * node['Actual Loops'], 0)
      assert.ok(assignmentRows <= MEMBER_OF.length * ITEMS_PER_SEGMENT, `${assignmentRows} item assignments read for ${MEMBER_OF.length * ITEMS_PER_SEGMENT}`)

      // The page itself: the customer's segments' items, by segment and item.
      const { rows } = await db.executeQuery<{ assignment: string }>(statement)
      const expected = MEMBER_OF.flatMap((n) => Array.from({ length: ITEMS_PER_SEGMENT }, (_, j) => [segmentId(n), `prod-${String(n * 7 + j + 1).padStart(6, '0')}`]))
      assert.deepEqual(
        rows.map((row) => {
          const { segmentId, item } = JSON.parse(row.assignment) as { segmentId: string; item: { id: string } }
          return [segmentId, item.id]
        }),
        expected.slice(0, limit),
      )
    })
  })
}
