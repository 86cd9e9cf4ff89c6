import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { eventSchemaFiles, SCHEMA_DIR } from '../src/events/schema-files.js'

describe('committed event schemas', () => {
  it('match the catalogue exactly (run `npm run schemas:export` after changing an event)', () => {
    const expected = eventSchemaFiles()
    assert.deepEqual(readdirSync(SCHEMA_DIR).sort(), [...expected.keys()].sort())
    for (const [name, text] of expected) assert.equal(readFileSync(join(SCHEMA_DIR, name), 'utf8'), text, name)
  })

  it('cover the nine customer-segment event types', () => {
    assert.equal(eventSchemaFiles().size, 9)
  })
})
