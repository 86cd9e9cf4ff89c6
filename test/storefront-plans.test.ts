/**
 * A customer's storefront reads (the item list, `match`, the category trees) read the customer's own
 * segments and their assignments, and nothing else of the tenant's, whatever plan PostgreSQL keeps for
 * their prepared statements. Joined the other way round (the tenant's segments to the assignments, the
 * membership as a condition), the item list's generic plan read every segment of the tenant in id order
 * to merge it with the customer's few: a cost that grew with the tenant's segments, for a page it sorted
 * anyway.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type Kysely, sql } from 'kysely'
import { treeRows } from '../src/assignments/category-trees.js'
import { storefrontPage } from '../src/assignments/item-assignment-query.js'
import { productMatch } from '../src/assignments/match-products.js'
import type { DB } from '../src/db/schema.js'
import { ENGINES, suiteDatabase } from './support/harness.js'
import { genericPlanOf, nodes, type PlanNode } from './support/query-plan.js'
import { freshTenant } from './support/segment-helpers.js'

const SEGMENTS = 1_000
const ITEMS_PER_SEGMENT = 20
/** The customer's segments: spread over the tenant's, as members' segments are. */
const MEMBER_OF = [37, 237, 437, 637, 837]
const segmentId = (n: number) => `seg-${String(n).padStart(5, '0')}`
/** Segment n's two categories: leaves `cat-0` … `cat-49`, each under one of the roots `root-0` … `root-4`. */
const categoriesOf = (n: number) => [`cat-${n % 50}`, `cat-${(n + 25) % 50}`]
const productOf = (n: number, j: number) => `prod-${String(n * 7 + j).padStart(6, '0')}`

/** The rows the plan read from `relation`, over all its loops. */
const rowsRead = (plan: PlanNode, relation: string) =>
  [...nodes(plan)].filter((node) => node['Relation Name'] === relation).reduce((sum, node) => sum + node['Actual Rows'] * node['Actual Loops'], 0)

/** Segments 0 … count - 1 of `tenant`, effective, of one site. */
async function insertSegments(db: Kysely<DB>, tenant: string, count: number): Promise<void> {
  await sql`
    insert into segment (tenant, id, name, site_code, status, version, created_at, modified_at)
    select ${tenant}, 'seg-' || lpad(n::text, 5, '0'), '{}'::jsonb, 'main', 'ACTIVE', 1, now(), now()
    from generate_series(0, ${count - 1}::int) n`.execute(db)
}

/**
 * A tenant of SEGMENTS segments with ITEMS_PER_SEGMENT products each, 200 other customers over them and
 * `member` in MEMBER_OF; with `categories`, two categories per segment too, and the directory's categories
 * and products.
 */
async function memberTenant(db: Kysely<DB>, prefix: string, { categories = false } = {}): Promise<string> {
  const tenant = freshTenant(prefix)
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
  if (categories) {
    await sql`
      insert into item_assignment (tenant, segment_id, type, item_id, version, created_at, modified_at)
      select ${tenant}, 'seg-' || lpad(n::text, 5, '0'), 'CATEGORY', c, 1, now(), now()
      from generate_series(0, ${SEGMENTS - 1}::int) n, unnest(array['cat-' || (n % 50), 'cat-' || ((n + 25) % 50)]) c`.execute(db)
    await sql`
      insert into directory_category (tenant, id, parent_id, code, modified_at)
      select ${tenant}, 'root-' || r, null, 'R' || r, now() from generate_series(0, 4) r
      union all
      select ${tenant}, 'cat-' || l, 'root-' || (l % 5), 'C' || l, now() from generate_series(0, 49) l`.execute(db)
    // Every product of the data set is in the directory, in leaf cat-(k % 50).
    await sql`
      insert into directory_product (tenant, id, category_ids, modified_at)
      select ${tenant}, 'prod-' || lpad(k::text, 6, '0'), array['cat-' || (k % 50)], now()
      from generate_series(0, ${SEGMENTS * 7 + ITEMS_PER_SEGMENT}::int) k`.execute(db)
    await sql`analyze directory_category`.execute(db)
    await sql`analyze directory_product`.execute(db)
  }
  await sql`analyze segment`.execute(db)
  await sql`analyze item_assignment`.execute(db)
  await sql`analyze customer_assignment`.execute(db)
  return tenant
}

for (const engine of ENGINES) {
  describe(`a customer's storefront reads on ${engine}`, () => {
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
      const tenant = await memberTenant(db, 'item-page')

      const limit = 60
      const statement = storefrontPage(db, tenant, { member: { customerId: 'member' }, onlyActive: true, withTotal: false }, 'texts', { limit, offset: 0 })
      const plan = await genericPlanOf(db, statement)
      const segmentRows = rowsRead(plan, 'segment')
      assert.ok(segmentRows <= MEMBER_OF.length, `${segmentRows} segment rows read for a customer in ${MEMBER_OF.length}`)
      const assignmentRows = rowsRead(plan, 'item_assignment')
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

    it("matches products through the customer's segments alone, under the plan kept for any customer", async () => {
      const db = suite.database.db
      const tenant = await memberTenant(db, 'match-plan', { categories: true })
      // The customer's five segments and five others, one product assigned to each, 40 not assigned anywhere
      // whose leaf category is assigned to one of the customer's segments or not.
      const others = [100, 300, 500, 700, 900]
      const segmentIds = [...MEMBER_OF, ...others].map(segmentId)
      const direct = [...MEMBER_OF, ...others].map((n) => productOf(n, 1))
      const unassigned = Array.from({ length: 40 }, (_, i) => `prod-${String(SEGMENTS * 7 + ITEMS_PER_SEGMENT + 1 + i)}`)
      await sql`
        insert into directory_product (tenant, id, category_ids, modified_at)
        select ${tenant}, id, array['cat-' || (i % 50)], now() from unnest(${unassigned}::text[]) with ordinality as p (id, i)`.execute(db)
      const member = { customerId: 'member' }
      const plan = await genericPlanOf(db, productMatch(tenant, { siteCode: 'main', productIds: [...direct, ...unassigned], segmentIds, member }).compile(db))
      const segmentRows = rowsRead(plan, 'segment')
      assert.ok(segmentRows <= segmentIds.length, `${segmentRows} segment rows read for ${segmentIds.length} named`)
      const assignmentRows = rowsRead(plan, 'item_assignment')
      const memberAssignments = MEMBER_OF.length * (ITEMS_PER_SEGMENT + 2)
      assert.ok(assignmentRows <= memberAssignments, `${assignmentRows} item assignments read for ${memberAssignments} of the customer's segments`)

      const { rows } = await db.executeQuery<{ id: string }>(productMatch(tenant, { siteCode: 'main', productIds: [...direct, ...unassigned], segmentIds, member }).compile(db))
      const memberCategories = new Set(MEMBER_OF.flatMap(categoriesOf))
      const expected = [
        ...MEMBER_OF.map((n) => productOf(n, 1)),
        ...unassigned.filter((_, i) => memberCategories.has(`cat-${(i + 1) % 50}`)),
        // Another segment's product matches when its leaf category is assigned to one of the customer's.
        ...others.map((n) => productOf(n, 1)).filter((id) => memberCategories.has(`cat-${Number(id.slice(5)) % 50}`)),
      ]
      assert.deepEqual(rows.map((row) => row.id).sort(), [...new Set(expected)].sort())
    })

    it("draws the category trees from the customer's segments alone, under the plan kept for any customer", async () => {
      const db = suite.database.db
      const tenant = await memberTenant(db, 'trees-plan', { categories: true })
      const statement = treeRows(tenant, { siteCode: 'main', member: { customerId: 'member' } }).compile(db)
      const plan = await genericPlanOf(db, statement)
      const memberCategories = MEMBER_OF.length * 2
      const segmentRows = rowsRead(plan, 'segment')
      assert.ok(segmentRows <= memberCategories, `${segmentRows} segment rows read for ${MEMBER_OF.length} segments of two categories each`)
      const assignmentRows = rowsRead(plan, 'item_assignment')
      assert.ok(assignmentRows <= memberCategories, `${assignmentRows} item assignments read for ${memberCategories}`)

      const { rows } = await db.executeQuery<{ id: string; assigned: boolean }>(statement)
      const leaves = [...new Set(MEMBER_OF.flatMap(categoriesOf))]
      const roots = [...new Set(leaves.map((leaf) => `root-${Number(leaf.slice(4)) % 5}`))]
      assert.deepEqual(
        rows.map((row) => [row.id, row.assigned]).sort(),
        [...leaves.map((id) => [id, true]), ...roots.map((id) => [id, false])].sort(),
      )
    })
  })
}
