/** Writes schemas/events/*.json from the event catalogue (`npm run schemas:export`). */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { eventSchemaFiles, SCHEMA_DIR } from '../src/events/schema-files.js'

mkdirSync(SCHEMA_DIR, { recursive: true })
const files = eventSchemaFiles()
for (const stale of readdirSync(SCHEMA_DIR).filter((name) => !files.has(name))) rmSync(join(SCHEMA_DIR, stale))
for (const [name, text] of files) writeFileSync(join(SCHEMA_DIR, name), text)
console.log(`Wrote ${files.size} event schemas to ${SCHEMA_DIR}/`)
