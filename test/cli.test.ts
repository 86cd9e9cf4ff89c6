import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { after, describe, it } from 'node:test'
import { decodeJwt } from 'jose'
import { CLI, ROOT, segments, segmentsFailure as failure } from './support/cli-path.js'
import { freshPostgresDatabase } from './support/harness.js'

const dirs: string[] = []

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'segments-cli-'))
  dirs.push(dir)
  return dir
}



/** Starts `segments serve` (or another command line that runs it) and resolves with its URL once it listens. */
async function serve(
  env: Record<string, string>,
  command: string[] = [process.execPath, ...CLI, 'serve'],
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const [file, ...args] = command
  const child = spawn(file, args, { cwd: ROOT, env: { PATH: process.env.PATH, PORT: '0', ...env } })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match) resolve(match[1])
    })
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)))
  })
  return { child, url, output: () => output }
}

/** The JSON log lines in `output` (npm's own banner lines are not JSON). */
function logLines(output: string): { msg: string; level: number }[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
}

/** A start-up failure: exit code 1 and one line on stderr, without a stack trace. */
function assertOneLineFailure(outcome: { code: number; stderr: string }, pattern: RegExp): void {
  assert.equal(outcome.code, 1, outcome.stderr)
  const lines = outcome.stderr.trim().split('\n')
  assert.equal(lines.length, 1, `one line, got:\n${outcome.stderr}`)
  assert.match(lines[0], pattern)
}

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('segments CLI', () => {
  it('prints help for each command', async () => {
    const { stdout } = await segments(['--help'])
    for (const command of ['serve', 'migrate', 'token']) assert.match(stdout, new RegExp(`\\b${command}\\b`))
    const token = await segments(['token', '--help'])
    assert.match(token.stdout, /--tenant/)
    assert.match(token.stdout, /--legal-entity/)
  })

  it('mints a token with the requested claims', async () => {
    const { stdout } = await segments(
      ['token', '--tenant', 'acme', '--scopes', 'customersegment.segment_read_own', '--customer', 'c1', '--legal-entity', 'le1', '--ttl', '30m'],
      { AUTH_SECRET: 'a-secret-that-is-at-least-32-characters' },
    )
    const claims = decodeJwt(stdout.trim())
    assert.equal(claims.tenant, 'acme')
    assert.equal(claims.scope, 'customersegment.segment_read_own')
    assert.equal(claims.customerId, 'c1')
    assert.equal(claims.legalEntityId, 'le1')
    assert.ok(claims.exp && claims.iat && claims.exp - claims.iat === 1800)
  })

  it('refuses a bad ttl and a bad setting, naming it', async () => {
    const ttl = await failure(['token', '--tenant', 'acme', '--ttl', 'soon'], { DATA_DIR: tempDir() })
    assert.notEqual(ttl.code, 0)
    assert.match(ttl.stderr, /ttl/)
    const port = await failure(['migrate'], { DATA_DIR: tempDir(), PORT: 'eighty' })
    assert.equal(port.code, 1)
    assert.match(port.stderr, /PORT/)
  })

  it('migrates an embedded data dir once', async () => {
    const dataDir = tempDir()
    const first = await segments(['migrate'], { DATA_DIR: dataDir })
    assert.match(first.stdout, /Applied 0001_segments_and_outbox\.sql/)
    const second = await segments(['migrate'], { DATA_DIR: dataDir })
    assert.match(second.stdout, /up to date/)
  })

  it('serves the API with a token from `segments token`, locks its data dir, and stops on SIGTERM', async () => {
    const dataDir = tempDir()
    const { child, url } = await serve({ DATA_DIR: dataDir, LOG_LEVEL: 'info' })
    try {
      const { stdout } = await segments(['token', '--tenant', 'acme'], { DATA_DIR: dataDir })
      const headers = { authorization: `Bearer ${stdout.trim()}`, 'content-type': 'application/json' }
      const created = await fetch(`${url}/customer-segment/acme/segments`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: { en: 'Golden' }, siteCode: 'main' }),
      })
      assert.equal(created.status, 201)
      const ready = await fetch(`${url}/ready`)
      assert.equal(ready.status, 200)

      const locked = await failure(['migrate'], { DATA_DIR: dataDir })
      assert.equal(locked.code, 1)
      assert.match(locked.stderr, new RegExp(`in use by process ${child.pid}`))
    } finally {
      child.kill('SIGTERM')
    }
    const [code] = await once(child, 'exit')
    assert.equal(code, 0)
    // The lock went with the process: the data dir opens again, with the data kept.
    const again = await segments(['migrate'], { DATA_DIR: dataDir })
    assert.match(again.stdout, /up to date/)
  })

  it('imports through the running embedded service, which holds the data dir', async () => {
    const dataDir = tempDir()
    // A small body limit: the rows go in several requests, and one too large for any is refused by line.
    const env = { DATA_DIR: dataDir, BODY_LIMIT_BYTES: '2048' }
    const { child, url } = await serve(env)
    try {
      const rows = [
        { id: 'ada', email: 'ada@example.com', tags: ['vip'], attributes: { note: 'a'.repeat(1_200) } },
        { id: 'bob', email: 7 },
        { id: 'cyd', firstName: 'Cyd', attributes: { note: 'c'.repeat(1_200) } },
        { id: 'dan', attributes: { note: 'd'.repeat(3_000) } },
      ]
      const path = join(dataDir, 'customers.ndjson')
      writeFileSync(path, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`)
      const outcome = await failure(['import', 'customers', path, '--tenant', 'acme'], env)
      assert.equal(outcome.code, 2, outcome.stderr)
      assert.match(outcome.stderr, new RegExp(`The service \\(process ${child.pid}\\) holds .*: importing through its Directory API at ${url}`))
      assert.match(outcome.stderr, /line 2: .*email/)
      assert.match(outcome.stderr, /line 4: larger than the service takes in one request/)
      assert.match(outcome.stdout, /Imported 2 customers, 2 rows rejected/)
      const { stdout } = await segments(['token', '--tenant', 'acme'], { DATA_DIR: dataDir })
      const read = await fetch(`${url}/customer-segment/acme/directory/customers/ada`, { headers: { authorization: `Bearer ${stdout.trim()}` } })
      assert.equal(read.status, 200)
      assert.deepEqual(((await read.json()) as { tags: string[] }).tags, ['vip'])
    } finally {
      child.kill('SIGTERM')
    }
    await once(child, 'exit')
  })
})

describe('starting and stopping', () => {
  it('`npm start` prints one line saying where it listens and on which engine, and stops on SIGTERM', async () => {
    const dataDir = tempDir()
    const { child, url, output } = await serve({ DATA_DIR: dataDir, LOG_LEVEL: 'info' }, ['npm', 'start', '--silent'])
    assert.equal((await fetch(`${url}/ready`)).status, 200)
    const lines = logLines(output())
    assert.equal(lines.length, 1, output())
    assert.equal(lines[0].msg, `listening on ${url} (embedded PostgreSQL in ${dataDir}; delivery worker in this process)`)
    assert.ok(existsSync(join(dataDir, 'segments.lock')))

    // npm is what a service manager signals: the server must go with it, port and data dir released.
    child.kill('SIGTERM')
    const [code] = await once(child, 'exit')
    assert.equal(code, 0)
    await assert.rejects(fetch(`${url}/health`), 'nothing listens any more')
    assert.equal(existsSync(join(dataDir, 'segments.lock')), false)
  })

  it('starts again after a SIGKILL, with the data kept', async () => {
    const dataDir = tempDir()
    const token = (await segments(['token', '--tenant', 'acme'], { DATA_DIR: dataDir })).stdout.trim()
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    const first = await serve({ DATA_DIR: dataDir })
    try {
      const body = JSON.stringify({ id: 'kept', name: { en: 'Kept' }, siteCode: 'main' })
      const created = await fetch(`${first.url}/customer-segment/acme/segments`, { method: 'POST', headers, body })
      assert.equal(created.status, 201, await created.text())
    } finally {
      first.child.kill('SIGKILL')
      await once(first.child, 'exit')
    }

    const second = await serve({ DATA_DIR: dataDir })
    try {
      assert.equal((await fetch(`${second.url}/ready`)).status, 200)
      assert.equal((await fetch(`${second.url}/customer-segment/acme/segments/kept`, { headers })).status, 200)
    } finally {
      second.child.kill('SIGTERM')
      await once(second.child, 'exit')
    }
  })

  it('explains a port in use and a data dir that is not a database, in one line each', async () => {
    const blocker = createServer()
    blocker.listen(0, '127.0.0.1')
    await once(blocker, 'listening')
    const { port } = blocker.address() as AddressInfo
    try {
      const taken = await failure(['serve'], { DATA_DIR: tempDir(), PORT: String(port) })
      assertOneLineFailure(taken, new RegExp(`^Port ${port} on 127\\.0\\.0\\.1 is already in use by another process\\. .*set PORT`))
    } finally {
      blocker.close()
    }
    const dataDir = tempDir()
    mkdirSync(join(dataDir, 'pgdata'))
    writeFileSync(join(dataDir, 'pgdata', 'notes.txt'), 'not a database')
    const notCluster = await failure(['serve'], { DATA_DIR: dataDir, PORT: '0' })
    assertOneLineFailure(notCluster, /pgdata is not empty but holds no database cluster.*DATA_DIR/)
  })

  const postgres = process.env.DATABASE_URL
  it('explains a missing database, a refused login and an unreachable server, naming DATABASE_URL', { skip: !postgres && 'needs PostgreSQL: set DATABASE_URL' }, async () => {
    const env = { AUTH_SECRET: 'a-secret-that-is-at-least-32-characters', PORT: '0', DATABASE_START_TIMEOUT_MS: '500' }
    const base = new URL(postgres as string)
    const missing = new URL(base)
    missing.pathname = '/css_no_such_database'
    assertOneLineFailure(await failure(['serve'], { ...env, DATABASE_URL: missing.toString() }), /database "css_no_such_database" does not exist.*DATABASE_URL/)
    const stranger = new URL(base)
    stranger.username = 'css_no_such_role'
    assertOneLineFailure(await failure(['serve'], { ...env, DATABASE_URL: stranger.toString() }), /refused the login of css_no_such_role.*DATABASE_URL/)

    const closed = createServer()
    closed.listen(0, '127.0.0.1')
    await once(closed, 'listening')
    const { port } = closed.address() as AddressInfo
    closed.close()
    const nowhere = new URL(base)
    nowhere.hostname = '127.0.0.1'
    nowhere.port = String(port)
    const unreachable = await failure(['worker'], { ...env, DATABASE_URL: nowhere.toString(), LOG_LEVEL: 'silent' })
    assertOneLineFailure(unreachable, new RegExp(`Nothing accepts connections at 127\\.0\\.0\\.1:${port} .*DATABASE_URL.*Waited 1 s \\(DATABASE_START_TIMEOUT_MS\\)`))
  })

  it('migrates a PostgreSQL database that exists but is empty', { skip: !postgres && 'needs PostgreSQL: set DATABASE_URL' }, async () => {
    const { url, drop } = await freshPostgresDatabase()
    try {
      const first = await segments(['migrate'], { DATABASE_URL: url, AUTH_SECRET: 'a-secret-that-is-at-least-32-characters' })
      assert.match(first.stdout, /Applied 0001_segments_and_outbox\.sql/)
    } finally {
      await drop()
    }
  })
})
