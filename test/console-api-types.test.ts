/**
 * The console is type-checked against console/src/api/schema.d.ts; this keeps that file the one the
 * service's OpenAPI document generates today, so a route or schema change shows up as a console type
 * error (`npm run console:api`, then `npm run typecheck`).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { it } from 'node:test'
import { consoleApiTypes, SCHEMA_FILE } from '../scripts/console-api-types.js'

it("the console's API types are generated from the current OpenAPI document", { timeout: 60_000 }, async () => {
  const committed = readFileSync(SCHEMA_FILE, 'utf8')
  assert.ok(committed === (await consoleApiTypes()), 'console/src/api/schema.d.ts is stale: run `npm run console:api`')
})
