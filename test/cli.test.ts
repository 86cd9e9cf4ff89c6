import assert from 'node:assert/strict'
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { after, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { decodeJwt } from 'jose'

const run = promisify(execFile)
const CLI = ['--import', 'tsx', 'src/cli.ts']
const dirs: string[] = []

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'segments-cli-'))
  dirs.push(dir)
  return dir
}

function segments(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, [...CLI, ...args], { env: { PATH: process.env.PATH, ...env } })
}

async function failure(args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await segments(args, env)
  } catch (error) {
    const { code, stderr } = error as { code: number; stderr: string }
    return { code, stderr }
  }
  assert.fail(`segments ${args.join(' ')} should have failed`)
}

/** Starts `segments serve` and resolves with its URL once it listens. */
async function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...CLI, 'serve'], { env: { PATH: process.env.PATH, PORT: '0', ...env } })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match) resolve(match[1])
    })
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)))
  })
  return { child, url }
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
})
