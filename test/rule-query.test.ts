/**
 * The rule language against a brute-force evaluation: random directories and random rules (every field,
 * operator, AND / OR / NOT, relative dates), compiled to SQL and run on each engine, must select exactly
 * the customers (and, in B2B mode, customer and legal entity pairs) that evaluating the rule in JavaScript
 * selects. Runs: RULE_RUNS (100 by default) per engine.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import type { Database } from '../src/db/database.js'
import { customers as customerKind, legalEntities as legalEntityKind } from '../src/directory/directory-kinds.js'
import { upsertEntries } from '../src/directory/directory-store.js'
import { listMatches } from '../src/rules/rule-matches.js'
import { compileRule } from '../src/rules/rule-query.js'
import { ENGINES, openTestDatabase } from './support/harness.js'
import { directory, expected, NOW, rule } from './support/rule-model.js'

const RUNS = Number(process.env.RULE_RUNS ?? 100)

for (const engine of ENGINES) {
  describe(`rule queries on ${engine}`, () => {
    let database: Database
    let dispose: () => Promise<void>
    before(async () => {
      ;({ database, dispose } = await openTestDatabase(engine))
    })
    after(() => dispose())

    it('select exactly what a brute-force evaluation selects', async () => {
      let run = 0
      await fc.assert(
        fc.asyncProperty(directory, rule, async (dir, r) => {
          const tenant = `rules${run++}`
          await upsertEntries(database.db, tenant, customerKind, dir.customers)
          await upsertEntries(database.db, tenant, legalEntityKind, dir.legalEntities)
          // A legal entity term compares with the list of matching ones, or (past a size) looks each up.
          for (const [mode, legalEntitySet] of [['customer', undefined], ['customer', 0], ['b2b', undefined]] as const) {
            const matches = await listMatches(database.db, tenant, mode, compileRule(r.text, { mode, tenant, now: NOW, legalEntitySet }), 1000)
            const keys = matches.map((m) => (m.legalEntityId === undefined ? m.id : `${m.id}/${m.legalEntityId}`))
            assert.deepEqual(keys, expected(r, dir, mode), `${mode} (legal entity list up to ${legalEntitySet ?? 'default'}): ${r.text}`)
          }
        }),
        { numRuns: RUNS },
      )
    })
  })
}
