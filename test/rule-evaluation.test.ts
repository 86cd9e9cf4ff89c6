/**
 * Rule membership against a brute-force model. Random directories, random rules (customer and B2B) and
 * random sequences of directory writes, manual assignments and rule changes: after every step the
 * AUTOMATIC assignments are exactly what the rule selects less the manual ones, whether they came from a
 * directory write (incremental) or a full evaluation in chunks of random size; and replaying the events
 * gives the same set, each change published once. Then an evaluation stopped midway and resumed by another
 * evaluator, and directory writes racing an evaluation. Runs: RULE_EVAL_RUNS (25 by default) per engine.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { sql } from 'kysely'
import { pino } from 'pino'
import { deleteCustomerAssignments, upsertCustomerAssignments } from '../src/assignments/customer-assignments.js'
import type { Database } from '../src/db/database.js'
import { customers as customerKind, legalEntities as legalEntityKind } from '../src/directory/directory-kinds.js'
import type { DirectoryCustomer, DirectoryLegalEntity } from '../src/directory/directory-schemas.js'
import { removeEntry, writeEntries } from '../src/directory/directory-writes.js'
import { evaluateAll, evaluateNextChunk, startRuleEvaluator } from '../src/rules/rule-evaluator.js'
import { putRule } from '../src/rules/segment-rules.js'
import { DEFAULT_LIMITS } from '../src/config.js'
import { waitFor } from './support/delivery-helpers.js'
import { ENGINES, openTestDatabase, TEST_SECRET } from './support/harness.js'
import { startService } from './support/service-process.js'
import { customer, directory, entry, expected, legalEntity, type Rule, rule } from './support/rule-model.js'

const RUNS = Number(process.env.RULE_EVAL_RUNS ?? 25)
const SEGMENTS = { customer: 'per-customer', b2b: 'per-pair' } as const
const CUSTOMER_IDS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']

/** Directory writes evaluate at the real time; the model's rules then must not depend on it. */
const timeless = rule.filter((r) => !r.text.includes('now'))

type Dir = { customers: DirectoryCustomer[]; legalEntities: DirectoryLegalEntity[] }
type Mode = keyof typeof SEGMENTS

const key = fc.record({ mode: fc.constantFrom<Mode>('customer', 'b2b'), customerId: fc.constantFrom(...CUSTOMER_IDS, 'c7'), legalEntityId: fc.constantFrom('l1', 'l2', 'l3') })
const step = fc.oneof(
  fc.constantFrom(...CUSTOMER_IDS).chain((id) => customer(id).map((c) => ({ kind: 'customer' as const, entry: entry(c) as DirectoryCustomer }))),
  fc.constantFrom('l1', 'l2').chain((id) => legalEntity(id).map((le) => ({ kind: 'legalEntity' as const, entry: entry(le) as DirectoryLegalEntity }))),
  fc.record({ kind: fc.constant('deleteCustomer' as const), id: fc.constantFrom(...CUSTOMER_IDS) }),
  fc.record({ kind: fc.constant('deleteLegalEntity' as const), id: fc.constantFrom('l1', 'l2') }),
  fc.record({ kind: fc.constant('manual' as const), key }),
  fc.record({ kind: fc.constant('unassign' as const), key }),
  fc.record({ kind: fc.constant('rule' as const), mode: fc.constantFrom<Mode>('customer', 'b2b'), rule: timeless, chunkSize: fc.integer({ min: 1, max: 7 }) }),
)

for (const engine of ENGINES) {
  describe(`rule evaluation on ${engine}`, () => {
    let database: Database
    let dispose: () => Promise<void>
    let url: string | undefined
    before(async () => {
      ;({ database, dispose, url } = await openTestDatabase(engine))
    })
    after(() => dispose())

    let counter = 0
    async function freshTenant(prefix: string): Promise<string> {
      const tenant = `${prefix}${++counter}`
      const now = new Date()
      for (const id of Object.values(SEGMENTS)) {
        await database.db
          .insertInto('segment')
          .values({ tenant, id, name: JSON.stringify({ en: id }), site_code: 'main', status: 'ACTIVE', version: 1, created_at: now, modified_at: now } as never)
          .execute()
      }
      return tenant
    }

    /** Assignments of a segment as keys `customer[/legal entity]`, by type. */
    async function assignments(tenant: string, segmentId: string) {
      const rows = await database.db
        .selectFrom('customer_assignment')
        .select(['customer_id', 'legal_entity_id', 'assignment_type'])
        .where('tenant', '=', tenant)
        .where('segment_id', '=', segmentId)
        .execute()
      const keyOf = (r: (typeof rows)[number]) => (r.legal_entity_id ? `${r.customer_id}/${r.legal_entity_id}` : r.customer_id)
      return {
        automatic: rows.filter((r) => r.assignment_type === 'AUTOMATIC').map(keyOf).sort(),
        manual: new Set(rows.filter((r) => r.assignment_type === 'MANUAL').map(keyOf)),
      }
    }

    /**
     * Replays a segment's assignment events: AUTOMATIC created/deleted, and an automatic assignment made
     * manual (updated, MANUAL). Each must change the set: nothing created twice or deleted when absent.
     */
    async function replay(tenant: string, segmentId: string): Promise<string[]> {
      const { rows } = await sql<{ type: string; payload: Record<string, any> }>`
        select type, payload from outbox_event where tenant = ${tenant} and payload->>'segmentId' = ${segmentId} order by sequence`.execute(database.db)
      const automatic = new Set<string>()
      for (const { type, payload } of rows) {
        const le = payload.legalEntityId ?? payload.legalEntity?.id
        const k = `${payload.customerId ?? payload.customer.id}${le ? `/${le}` : ''}`
        if (payload.assignmentType === 'AUTOMATIC' && type.endsWith('created')) {
          assert.ok(!automatic.has(k), `created twice: ${k}`)
          automatic.add(k)
        } else if (payload.assignmentType === 'AUTOMATIC' && type.endsWith('deleted')) {
          assert.ok(automatic.delete(k), `deleted while absent: ${k}`)
        } else automatic.delete(k)
      }
      return [...automatic].sort()
    }

    async function check(tenant: string, dir: Dir, rules: Partial<Record<Mode, Rule>>, what: string) {
      for (const mode of ['customer', 'b2b'] as const) {
        const segmentId = SEGMENTS[mode]
        const { automatic, manual } = await assignments(tenant, segmentId)
        const r = rules[mode]
        const want = r ? expected(r, dir, mode).filter((k) => !manual.has(k)).sort() : []
        assert.deepEqual(automatic, want, `${what}: ${mode} ${r?.text}`)
        assert.deepEqual(await replay(tenant, segmentId), automatic, `${what}: ${mode} events`)
      }
    }

    const context = (tenant: string) => ({ db: database.db, tenant, strict: false, limits: DEFAULT_LIMITS })

    it('incremental and full evaluation agree with a brute-force evaluation', async () => {
      await fc.assert(
        fc.asyncProperty(directory, timeless, timeless, fc.array(step, { maxLength: 8 }), fc.integer({ min: 1, max: 7 }), async (initial, r1, r2, steps, chunkSize) => {
          const tenant = await freshTenant('evalprop')
          const dir: Dir = structuredClone(initial)
          await writeEntries(database.db, tenant, customerKind, dir.customers)
          await writeEntries(database.db, tenant, legalEntityKind, dir.legalEntities)
          const rules: Partial<Record<Mode, Rule>> = { customer: r1, b2b: r2 }
          await putRule(database.db, tenant, SEGMENTS.customer, { query: r1.text })
          await putRule(database.db, tenant, SEGMENTS.b2b, { query: r2.text, b2b: true })
          await evaluateAll(database.db, { chunkSize })
          await check(tenant, dir, rules, 'full evaluation')
          for (const [index, s] of steps.entries()) {
            const what = `step ${index} ${s.kind}`
            switch (s.kind) {
              case 'customer':
                dir.customers = [...dir.customers.filter((c) => c.id !== s.entry.id), s.entry]
                await writeEntries(database.db, tenant, customerKind, [s.entry])
                break
              case 'legalEntity':
                dir.legalEntities = [...dir.legalEntities.filter((le) => le.id !== s.entry.id), s.entry]
                await writeEntries(database.db, tenant, legalEntityKind, [s.entry])
                break
              case 'deleteCustomer':
                dir.customers = dir.customers.filter((c) => c.id !== s.id)
                await removeEntry(database.db, tenant, customerKind, s.id)
                break
              case 'deleteLegalEntity':
                dir.legalEntities = dir.legalEntities.filter((le) => le.id !== s.id)
                await removeEntry(database.db, tenant, legalEntityKind, s.id)
                break
              case 'manual': {
                const legalEntityId = s.key.mode === 'b2b' ? s.key.legalEntityId : undefined
                const [result] = await upsertCustomerAssignments(context(tenant), SEGMENTS[s.key.mode], [{ customerId: s.key.customerId, legalEntityId }])
                assert.ok(!('error' in result), what)
                break
              }
              case 'unassign': {
                const legalEntityId = s.key.mode === 'b2b' ? s.key.legalEntityId : undefined
                const [result] = await deleteCustomerAssignments(context(tenant), SEGMENTS[s.key.mode], [{ customerId: s.key.customerId, legalEntityId }])
                const { automatic } = await assignments(tenant, SEGMENTS[s.key.mode])
                const k = legalEntityId ? `${s.key.customerId}/${legalEntityId}` : s.key.customerId
                // Refused exactly when the assignment is automatic (then it is still there).
                if ('error' in result) assert.ok(result.error.statusCode === 409 && automatic.includes(k), what)
                break
              }
              case 'rule':
                rules[s.mode] = s.rule
                await putRule(database.db, tenant, SEGMENTS[s.mode], { query: s.rule.text, b2b: s.mode === 'b2b' })
                await evaluateAll(database.db, { chunkSize: s.chunkSize })
                break
            }
            await check(tenant, dir, rules, what)
          }
        }),
        { numRuns: RUNS },
      )
    })

    /** A tenant with `count` customers, every third one tagged gold, and a rule `tags:gold` queued. */
    async function largeTenant(prefix: string, count: number) {
      const tenant = await freshTenant(prefix)
      const customers = Array.from({ length: count }, (_, i) => ({ id: `c${String(i).padStart(5, '0')}`, ...(i % 3 === 0 && { tags: ['gold'] }) }))
      for (let i = 0; i < customers.length; i += 500) await writeEntries(database.db, tenant, customerKind, customers.slice(i, i + 500))
      await putRule(database.db, tenant, SEGMENTS.customer, { query: 'tags:gold' })
      return tenant
    }

    async function goldInDirectory(tenant: string): Promise<string[]> {
      const { rows } = await sql<{ id: string }>`select id from directory_customer where tenant = ${tenant} and tags @> array['gold'] order by id`.execute(database.db)
      return rows.map((r) => r.id).sort()
    }

    /** The rule's evaluation and its membership once it is done: exact, and each change published once. */
    async function checkDone(tenant: string, customers: number) {
      const done = await database.db.selectFrom('segment_rule').selectAll().where('tenant', '=', tenant).executeTakeFirstOrThrow()
      assert.deepEqual([done.state, done.evaluated, done.total, done.added, done.removed], ['DONE', customers, customers, Math.ceil(customers / 3), 0])
      const { automatic } = await assignments(tenant, SEGMENTS.customer)
      assert.deepEqual(automatic, await goldInDirectory(tenant))
      assert.deepEqual(await replay(tenant, SEGMENTS.customer), automatic)
    }

    it('resumes an evaluation stopped midway where it stopped, each change made and published once', async () => {
      const tenant = await largeTenant('evalresume', 600)
      let chunks = 0
      const first = await startRuleEvaluator({
        database,
        log: pino({ level: 'silent' }),
        chunkSize: 50,
        relativeIntervalMs: 3_600_000,
        onChunk: (report) => {
          if (report.tenant === tenant && ++chunks === 3) void first.stop()
        },
      })
      await waitFor('the first evaluator to stop', () => chunks >= 3)
      await first.stop()
      const stopped = await database.db.selectFrom('segment_rule').select(['state', 'evaluated', 'cursor']).where('tenant', '=', tenant).executeTakeFirstOrThrow()
      assert.deepEqual([stopped.state, stopped.evaluated, stopped.cursor], ['RUNNING', 150, 'c00149'])
      const { automatic: partial } = await assignments(tenant, SEGMENTS.customer)
      assert.equal(partial.length, 50, 'the chunks done have their members, and only they')

      // Another evaluator (a restarted process) carries on from the cursor: no customer is evaluated twice.
      const evaluated: number[] = []
      for (let report = await evaluateNextChunk(database.db, { chunkSize: 50 }); report; report = await evaluateNextChunk(database.db, { chunkSize: 50 })) {
        if (report.tenant === tenant) evaluated.push(report.evaluated)
      }
      assert.equal(evaluated.reduce((a, b) => a + b, 0), 450)
      await checkDone(tenant, 600)
    })

    if (engine === 'postgres') {
      it('finishes an evaluation whose worker process was killed in the middle', { timeout: 120_000 }, async () => {
        const tenant = await largeTenant('evalkill', 20_000)
        const env = { DATABASE_URL: url as string, AUTH_SECRET: TEST_SECRET, RULES_CHUNK_SIZE: '100', DELIVERY_ALLOW_PRIVATE: 'true' }
        const worker = await startService('worker', env)
        await waitFor('an evaluation under way', async () => {
          const row = await database.db.selectFrom('segment_rule').select(['state', 'evaluated']).where('tenant', '=', tenant).executeTakeFirstOrThrow()
          return row.state === 'RUNNING' && row.evaluated >= 1_000
        }, 60_000)
        worker.child.kill('SIGKILL')
        await once(worker.child, 'exit')
        const killed = await database.db.selectFrom('segment_rule').select(['state', 'evaluated']).where('tenant', '=', tenant).executeTakeFirstOrThrow()
        assert.equal(killed.state, 'RUNNING', 'killed before the end')
        const again = await startService('worker', env)
        try {
          await waitFor('the evaluation to finish', async () => {
            const row = await database.db.selectFrom('segment_rule').select('state').where('tenant', '=', tenant).executeTakeFirstOrThrow()
            return row.state === 'DONE'
          }, 60_000)
        } finally {
          await again.stop()
        }
        await checkDone(tenant, 20_000)
      })
    }

    it('leaves every customer with the right membership when directory writes race an evaluation', async () => {
      const tenant = await largeTenant('evalrace', 1_500)
      const evaluation = evaluateAll(database.db, { chunkSize: 40 })
      // Writers flip customers across the whole id range while the chunks walk it.
      let seed = 7
      const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647
      const writers = Array.from({ length: 4 }, async () => {
        for (let round = 0; round < 15; round++) {
          const batch = Array.from({ length: 20 }, () => {
            const id = `c${String(Math.floor(random() * 1_600)).padStart(5, '0')}`
            return { id, ...(random() < 0.5 && { tags: ['gold'] }) }
          })
          await writeEntries(database.db, tenant, customerKind, batch)
          if (round % 5 === 0) await removeEntry(database.db, tenant, customerKind, batch[0].id)
        }
      })
      await Promise.all([evaluation, ...writers])
      const { automatic } = await assignments(tenant, SEGMENTS.customer)
      assert.deepEqual(automatic, await goldInDirectory(tenant))
      assert.deepEqual(await replay(tenant, SEGMENTS.customer), automatic)
    })
  })
}
