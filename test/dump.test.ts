/**
 * `segments dump`, run as the compiled command: the embedded database as a SQL script that loads into
 * PostgreSQL with `psql -v ON_ERROR_STOP=1`, after which `serve` runs on it with the data, the applied
 * migrations and the tokens of before (AUTH_SECRET from the data dir). It refuses while the service holds
 * the data dir, on PostgreSQL, and over an existing file.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { segments, segmentsFailure as failure } from './support/cli-path.js'
import { freshPostgresDatabase } from './support/harness.js'
import { startService } from './support/service-process.js'

const run = promisify(execFile)
const dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'segments-dump-'))
  dirs.push(dir)
  return dir
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** An embedded data dir with a customer in the directory, and a token signed with its secret. */
async function dataDirWithData(): Promise<{ dataDir: string; token: string }> {
  const dataDir = tempDir()
  const file = join(dataDir, 'customers.ndjson')
  writeFileSync(file, `${JSON.stringify({ id: 'ada', email: 'ada@example.com', tags: ['vip'] })}\n`)
  await segments(['import', 'customers', file, '--tenant', 'acme'], { DATA_DIR: dataDir })
  const token = (await segments(['token', '--tenant', 'acme'], { DATA_DIR: dataDir })).stdout.trim()
  return { dataDir, token }
}

describe('segments dump', () => {
  it('refuses while the service holds the data dir, on PostgreSQL, and over an existing file', async () => {
    const { dataDir } = await dataDirWithData()
    const existing = join(dataDir, 'customers.ndjson')
    const overwrite = await failure(['dump', '--output', existing], { DATA_DIR: dataDir })
    assert.equal(overwrite.code, 1)
    assert.match(overwrite.stderr, /exists already/)
    assert.match(readFileSync(existing, 'utf8'), /ada@example.com/, 'the file is untouched')
    const postgres = await failure(['dump'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', AUTH_SECRET: 'x'.repeat(32) })
    assert.match(postgres.stderr, /dump it with pg_dump/)
    const server = await startService('serve', { DATA_DIR: dataDir, DELIVERY_WORKER: 'false' })
    try {
      const held = await failure(['dump'], { DATA_DIR: dataDir })
      assert.equal(held.code, 1)
      assert.match(held.stderr, /in use by process/)
    } finally {
      await server.stop()
    }
    const empty = await failure(['dump'], { DATA_DIR: tempDir() })
    assert.match(empty.stderr, /no embedded database/)
  })

  it('moves an embedded database to PostgreSQL, with its data, its migrations and its tokens', { skip: process.env.DATABASE_URL ? false : 'needs PostgreSQL: set DATABASE_URL' }, async () => {
    const { dataDir, token } = await dataDirWithData()
    const output = join(dataDir, 'dump.sql')
    const dumped = await segments(['dump', '--output', output], { DATA_DIR: dataDir })
    assert.match(dumped.stderr, /psql "\$DATABASE_URL" -v ON_ERROR_STOP=1 -f/)
    assert.match(readFileSync(output, 'utf8'), /CREATE TABLE public\.directory_customer/)
    const database = await freshPostgresDatabase()
    try {
      await run('psql', [database.url, '-q', '-v', 'ON_ERROR_STOP=1', '-f', output])
      const secret = readFileSync(join(dataDir, 'auth-secret'), 'utf8').trim()
      const server = await startService('serve', { DATABASE_URL: database.url, AUTH_SECRET: secret, DELIVERY_WORKER: 'false' })
      try {
        const read = await fetch(`${server.url}/customer-segment/acme/directory/customers/ada`, { headers: { authorization: `Bearer ${token}` } })
        assert.equal(read.status, 200)
        assert.deepEqual(((await read.json()) as { tags: string[] }).tags, ['vip'])
        const created = await fetch(`${server.url}/customer-segment/acme/segments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: { en: 'After the move' }, siteCode: 'main' }),
        })
        assert.equal(created.status, 201, 'sequences and identities continue')
      } finally {
        await server.stop()
      }
      const migrated = await segments(['migrate'], { DATABASE_URL: database.url, AUTH_SECRET: 'x'.repeat(32) })
      assert.match(migrated.stdout, /up to date/)
    } finally {
      await database.drop()
    }
  })
})
