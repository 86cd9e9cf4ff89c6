/**
 * A customer's item list reads the customer's own segments and their assignments, and nothing else of the
 * tenant's, whatever plan PostgreSQL keeps for the prepared statement. Joined the other way round (the
 * tenant's segments to the assignments, the membership as a condition), the generic plan read every
 * segment of the tenant in id order to merge it with the customer's few: a cost that grew with the
 * tenant's segments, for a page it sorted anyway.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type Kysely, sql } from 'kysely'
import { storefrontPage } from '../src/assignments/item-assignment-query.js'
import type { DB } from '../src/db/schema.js'
import { ENGINES, suiteDatabase } from './support/harness.js'
import { genericPlanOf, nodes } from './support/query-plan.js'
import { freshTenant } from './support/segment-helpers.js'

const SEGMENTS = 1_000
const ITEMS_PER_SEGMENT = 20
/** The customer's segments: spread over the tenant's, as members' segments are. */
const MEMBER_OF = [37, 237, 437, 637, 837]
const segmentId = (n: number) => `seg-${String(n).padStart(5, '0')}`

/** Segments 0 … count - 1 of `tenant`, effective, of one site. */
async function insertSegments(db: Kysely<DB>, tenant: string, count: number): Promise<void> {
  await sql`
    insert into segment (tenant, id, name, site_code, status, version, created_at, modified_at)
    select ${tenant}, 'seg-' || lpad(n::text, 5, '0'), '{}'::jsonb, 'main', 'ACTIVE', 1, now(), now()
    from generate_series(0, ${count - 1}::int) n`.execute(db)
}

for (const engine of ENGINES) {
  describe(`a customer's item list on ${engine}`, () => {
    const suite = suiteDatabase(engine)

    // The service plans with a random page read costing 1.1 (DATABASE_RANDOM_PAGE_COST, on both engines); with PostgreSQL's default of 4 a directory of a few pages was read through once per category on
    // the page.
    it('looks each category of a page up by its key, however small the category directory', async () => {
      const db = suite.database.db
      const tenant = freshTenant('item-page-categories')
      await insertSegments(db, tenant, 1)
      await sql`
        insert into directory_category (tenant, id, code, name, description, slug, modified_at)
        select ${tenant}, 'cat-' || n, 'C' || n, jsonb_build_object('en', 'Category ' || n), '{}'::jsonb, '{}'::jsonb, now()
        from generate_series(1, 230) n`.execute(db)
      await sql`
        insert into item_assignment (tenant, segment_id, type, item_id, version, created_at, modified_at)
        select ${tenant}, ${segmentId(0)}, 'CATEGORY', 'cat-' || n, 1, now(), now() from generate_series(1, 6) n`.execute(db)
      await sql`
        insert into customer_assignment (tenant, segment_id, customer_id, assignment_type, version, created_at, modified_at)
        values (${tenant}, ${segmentId(0)}, 'member', 'MANUAL', 1, now(), now())`.execute(db)
      await sql`analyze directory_category`.execute(db)

      const statement = storefrontPage(db, tenant, { member: { customerId: 'member' }, onlyActive: true, withTotal: false }, 'texts', { limit: 60, offset: 0 })
      const plan = await genericPlanOf(db, statement)
      const lookups = [...nodes(plan)].filter((node) => node['Relation Name'] === 'directory_category')
      assert.ok(lookups.length > 0, 'the page looks its categories up')
      for (const lookup of lookups) {
        assert.equal(lookup['Index Name'], 'directory_category_pkey', `${lookup['Node Type']} on ${lookup['Index Name'] ?? 'no index'}`)
        assert.ok(lookup['Actual Rows'] <= 1 && lookup['Actual Loops'] <= 6, `${lookup['Actual Rows']} rows × ${lookup['Actual Loops']} loops`)
      }
      const { rows } = await db.executeQuery<{ assignment: string }>(statement)
      assert.deepEqual(
        rows.map((row) => (JSON.parse(row.assignment) as { item: { id: string; code: string } }).item),
        [1, 2, 3, 4, 5, 6].map((n) => ({ id: `cat-${n}`, code: `C${n}`, name: { en: `Category ${n}` } })),
      )
    })

    it("reads only the customer's segments and their assignments, under the plan kept for any customer", async () => {
      const db = suite.database.db
      const tenant = freshTenant('item-page')
      await insertSegments(db, tenant, SEGMENTS)
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
