/**
 * `segments import <kind> <file> --tenant <tenant>`, run as a child process: NDJSON and JSON array files,
 * bad rows reported by line or item number without stopping the good ones, the summary, the exit codes
 * (0 all landed, 2 some rejected, 1 unreadable file or unknown kind), and the rows in the database after.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { type Database, openDatabase } from '../src/db/database.js'
import { type DirectoryKind, findKind } from '../src/directory/directory-kinds.js'
import { CLI } from './support/cli-path.js'
import { ENGINES, freshPostgresDatabase, TEST_SECRET } from './support/harness.js'
import { freshTenant } from './support/segment-helpers.js'

const run = promisify(execFile)
const dirs: string[] = []

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'segments-import-'))
  dirs.push(dir)
  return dir
}

/** Writes `content` to a new file and returns its path. */
function file(name: string, content: string): string {
  const path = join(tempDir(), name)
  writeFileSync(path, content)
  return path
}

const ndjson = (rows: unknown[]) => `${rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n')}\n`

interface Outcome {
  code: number
  stdout: string
  stderr: string
}

async function segments(args: string[], env: Record<string, string>): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, ...args], { env: { PATH: process.env.PATH, ...env } })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const { code, stdout, stderr } = error as Outcome
    return { code, stdout, stderr }
  }
}

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('segments import: files it cannot take', () => {
  const env = () => ({ DATA_DIR: join(tempDir(), 'data') })

  it('exits 1 naming the kinds for an unknown kind', async () => {
    const { code, stderr } = await segments(['import', 'suppliers', file('s.ndjson', ndjson([{ id: 's1' }])), '--tenant', 'acme'], env())
    assert.equal(code, 1)
    assert.match(stderr, /customers, legal-entities, products, categories/)
  })

  it('exits 1 for a missing file, a directory, or a JSON array that does not parse, and opens no database', async () => {
    for (const path of [join(tempDir(), 'missing.ndjson'), tempDir(), file('broken.json', '[{"id":"c1"},')]) {
      const { DATA_DIR } = env()
      const { code, stderr, stdout } = await segments(['import', 'customers', path, '--tenant', 'acme'], { DATA_DIR })
      assert.equal(code, 1, path)
      assert.match(stderr, /^Cannot read /, path)
      assert.equal(stdout, '')
      assert.equal(existsSync(DATA_DIR), false, 'no data dir is created for a file that cannot be read')
    }
  })

  it('needs a valid --tenant', async () => {
    const path = file('c.ndjson', ndjson([{ id: 'c1' }]))
    const missing = await segments(['import', 'customers', path], env())
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /--tenant/)
    const invalid = await segments(['import', 'customers', path, '--tenant', 'Not A Tenant'], env())
    assert.equal(invalid.code, 1)
    assert.match(invalid.stderr, /tenant/)
  })

  it('is listed in the help', async () => {
    const { stdout } = await segments(['--help'], {})
    assert.match(stdout, /\bimport\b/)
  })
})

for (const engine of ENGINES) {
  describe(`segments import on ${engine}`, () => {
    let env: Record<string, string>
    let open: () => Promise<Database>
    let dispose = async () => {}

    before(async () => {
      if (engine === 'pglite') {
        const dataDir = join(tempDir(), 'data')
        env = { DATA_DIR: dataDir }
        open = () => openDatabase({ engine: 'pglite', dataDir })
      } else {
        const { url, drop } = await freshPostgresDatabase()
        env = { DATABASE_URL: url, AUTH_SECRET: TEST_SECRET }
        open = () => openDatabase({ engine: 'postgres', url, poolSize: 1 })
        dispose = drop
      }
    })
    after(() => dispose())

    const importFile = (kind: string, path: string, tenant: string) => segments(['import', kind, path, '--tenant', tenant], env)

    /** The tenant's entries of a kind as the API would answer them, by id; read after the CLI has exited. */
    async function stored(kindName: string, tenant: string): Promise<Record<string, unknown>> {
      const kind = findKind(kindName) as DirectoryKind<{ id: string }>
      const database = await open()
      try {
        // biome-ignore lint/suspicious/noExplicitAny: the table is chosen at run time
        const rows = await (database.db as any).selectFrom(kind.table).selectAll().where('tenant', '=', tenant).orderBy('id').execute()
        return Object.fromEntries(rows.map((row: never) => [(row as { id: string }).id, kind.fromRow(row)]))
      } finally {
        await database.close()
      }
    }

    it('imports NDJSON, reporting each bad row by its line and writing the good ones (exit 2)', async () => {
      const tenant = freshTenant('impnd')
      const path = file(
        'customers.ndjson',
        ndjson([
          { id: 'c1', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
          '',
          { id: 'c2', email: 42 },
          '{"id": "c3", "email": ',
          { id: 'c4', colour: 'red' },
          { email: 'nobody@example.com' },
          { id: 'c5', email: 'nul\u0000@example.com' },
          { id: 'c6' },
          '   ',
          { id: 'c7', lastName: 'Hopper' },
        ]),
      )
      const { code, stdout, stderr } = await importFile('customers', path, tenant)
      assert.equal(code, 2, stderr)
      assert.equal(stdout.trim(), 'Imported 3 customers, 5 rows rejected')
      const lines = stderr.trim().split('\n')
      assert.equal(lines.length, 5, stderr)
      assert.equal(lines[0], "line 3: 'email' must be string")
      assert.match(lines[1], /^line 4: not valid JSON/)
      assert.equal(lines[2], "line 5: unknown field 'colour'")
      assert.equal(lines[3], "line 6: 'id' is required")
      assert.match(lines[4], /^line 7: 'email' /)
      assert.deepEqual(await stored('customers', tenant), {
        c1: { id: 'c1', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
        c6: { id: 'c6' },
        c7: { id: 'c7', lastName: 'Hopper' },
      })
    })

    it('imports a JSON array, numbering bad rows by item; every row landing is exit 0', async () => {
      const tenant = freshTenant('imparr')
      const products = [
        { id: 'p1', code: 'PEN', name: { en: 'Pen' }, categoryIds: ['k1'] },
        { id: 'p2', name: 'Pencil' },
        { id: 'p3', categoryIds: ['k1', 'k2'] },
      ]
      // Leading whitespace and a byte order mark do not hide the `[`.
      const bad = await importFile('products', file('products.json', `\uFEFF \n ${JSON.stringify(products, null, 2)}`), tenant)
      assert.equal(bad.code, 2, bad.stderr)
      assert.equal(bad.stdout.trim(), 'Imported 2 products, 1 rows rejected')
      assert.equal(bad.stderr.trim(), "item 2: 'name' must be object")

      const good = await importFile('products', file('products.json', JSON.stringify([{ id: 'p2', name: { en: 'Pencil' } }])), tenant)
      assert.equal(good.code, 0, good.stderr)
      assert.equal(good.stdout.trim(), 'Imported 1 products, 0 rows rejected')
      assert.equal(good.stderr, '')
      assert.deepEqual(await stored('products', tenant), {
        p1: products[0],
        p2: { id: 'p2', name: { en: 'Pencil' }, categoryIds: [] },
        p3: products[2],
      })
    })

    it('writes many batches, replaces existing entries, and keeps to its tenant', async () => {
      const tenant = freshTenant('impbig')
      const other = freshTenant('impother')
      const category = (i: number) => ({ id: `k${i}`, parentId: i === 0 ? undefined : 'k0', code: `C${i}`, position: i, published: i % 2 === 0 })
      const first = await importFile('categories', file('first.ndjson', ndjson([{ id: 'k1', name: { en: 'Old' }, slug: { en: 'old' } }])), tenant)
      assert.equal(first.code, 0, first.stderr)
      await importFile('categories', file('other.ndjson', ndjson([{ id: 'k1', code: 'OTHER' }])), other)

      const rows: unknown[] = Array.from({ length: 1203 }, (_, i) => category(i))
      rows[999] = { id: 'k999', position: 'first' }
      const { code, stdout, stderr } = await importFile('categories', file('categories.ndjson', ndjson(rows)), tenant)
      assert.equal(code, 2, stderr)
      assert.equal(stdout.trim(), 'Imported 1202 categories, 1 rows rejected')
      assert.equal(stderr.trim(), "line 1000: 'position' must be integer")

      const entries = await stored('categories', tenant)
      assert.equal(Object.keys(entries).length, 1202)
      assert.equal(entries.k999, undefined)
      assert.deepEqual(entries.k1, { id: 'k1', parentId: 'k0', code: 'C1', position: 1, published: false })
      assert.deepEqual(entries.k1202, { id: 'k1202', parentId: 'k0', code: 'C1202', position: 1202, published: true })
      assert.deepEqual(await stored('categories', other), { k1: { id: 'k1', code: 'OTHER' } })
    })

    it('imports legal entities, and an empty file as nothing (exit 0)', async () => {
      const tenant = freshTenant('impempty')
      const empty = await importFile('legal-entities', file('empty.ndjson', ''), tenant)
      assert.equal(empty.code, 0, empty.stderr)
      assert.equal(empty.stdout.trim(), 'Imported 0 legal-entities, 0 rows rejected')
      const crlf = await importFile('legal-entities', file('le.ndjson', '{"id":"le1","name":"Acme Ltd"}\r\n{"id":"le2"}\r\n'), tenant)
      assert.equal(crlf.code, 0, crlf.stderr)
      assert.deepEqual(await stored('legal-entities', tenant), { le1: { id: 'le1', name: 'Acme Ltd' }, le2: { id: 'le2' } })
    })

    it('imports tags, attributes and legal entity ids, refusing attributes out of bounds by line', async () => {
      const tenant = freshTenant('impattr')
      const good = { id: 'c1', tags: ['vip'], attributes: { spent: 1200, since: '2024-03-01T00:00:00Z', address: { country: 'DE' } }, legalEntityIds: ['le1'] }
      const path = file('attr.ndjson', `${JSON.stringify(good)}\n{"id":"c2","attributes":{"list":[1]}}\n`)
      const outcome = await importFile('customers', path, tenant)
      assert.equal(outcome.code, 2, outcome.stderr)
      assert.match(outcome.stderr, /^line 2: 'attributes\.list' must be a string, number, boolean or object/m)
      assert.deepEqual(await stored('customers', tenant), { c1: good })
    })
  })
}
