/**
 * The console's API types, generated from the service's own OpenAPI document: `npm run console:api`
 * writes console/src/api/schema.d.ts, and a test fails when that file no longer matches the document, so
 * the console is type-checked against the API it calls.
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import openapiTS, { astToString } from 'openapi-typescript'
import { openDatabase } from '../src/db/database.js'
import { buildApp } from '../src/http/app.js'

export const SCHEMA_FILE = fileURLToPath(new URL('../console/src/api/schema.d.ts', import.meta.url))

const HEADER = '// Generated from /openapi.json by `npm run console:api`; do not edit.\n'

export async function consoleApiTypes(): Promise<string> {
  // The document needs no data: an empty embedded database, never migrated.
  const database = await openDatabase({ engine: 'pglite' })
  const app = await buildApp({ database, verifyToken: async () => Promise.reject(new Error('no tokens here')) })
  try {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    return HEADER + astToString(await openapiTS(document, { alphabetize: true }))
  } finally {
    await app.close()
    await database.close()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, await consoleApiTypes())
  console.log(`Wrote ${SCHEMA_FILE}`)
}
