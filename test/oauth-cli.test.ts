/**
 * The commands of API credentials, run as the compiled `segments` command: `clients create|list|rotate|
 * revoke` on each engine, with the credentials then exchanged at a running `serve`'s /oauth/token; and
 * `segments token`, which refuses unknown scopes and tenants and says which key it signs with, including an
 * asymmetric one (AUTH_PRIVATE_KEY_FILE) that `serve` publishes at /.well-known/jwks.json.
 */
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { SCOPES } from '../src/auth/principal.js'
import { segments, segmentsFailure as failure } from './support/cli-path.js'
import { ENGINES, freshPostgresDatabase } from './support/harness.js'
import { startService } from './support/service-process.js'

const SECRET = 'a-secret-that-is-at-least-32-characters'
const dirs: string[] = []

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'segments-oauth-'))
  dirs.push(dir)
  return dir
}

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})



function tokenRequest(url: string, body: Record<string, string>): Promise<globalThis.Response> {
  return fetch(`${url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) })
}

for (const engine of ENGINES) {
  describe(`segments clients on ${engine}`, () => {
    let env: Record<string, string>
    let drop = async () => {}
    before(async () => {
      if (engine === 'pglite') env = { DATA_DIR: tempDir() }
      else {
        const database = await freshPostgresDatabase()
        env = { DATABASE_URL: database.url, AUTH_SECRET: SECRET }
        drop = database.drop
      }
    })
    after(() => drop())

    it('creates, lists, rotates and revokes clients, whose credentials then get tokens from serve', async () => {
      const scopes = `${SCOPES.segmentManage} ${SCOPES.segmentRead}`
      const created = await segments(['clients', 'create', '--tenant', 'acme', '--scopes', scopes, '--name', 'ERP sync', '--json'], env)
      const erp = JSON.parse(created.stdout)
      assert.deepEqual(Object.keys(erp), ['clientId', 'clientSecret'])
      assert.match(erp.clientId, /^[0-9a-f]{32}$/)

      const text = await segments(['clients', 'create', '--tenant', 'acme', '--scopes', SCOPES.webhookRead], env)
      const other = /client_id: +([0-9a-f]{32})/.exec(text.stdout)?.[1]
      assert.ok(other, text.stdout)
      assert.match(text.stdout, /client_secret: +\S{43}\n.*shown only now/)

      const listed = JSON.parse((await segments(['clients', 'list', '--tenant', 'acme', '--json'], env)).stdout)
      assert.deepEqual(
        listed.map((c: { clientId: string; name?: string; scopes: string[] }) => [c.clientId, c.name, c.scopes]),
        [
          [erp.clientId, 'ERP sync', [SCOPES.segmentManage, SCOPES.segmentRead]],
          [other, undefined, [SCOPES.webhookRead]],
        ],
      )
      assert.ok(!JSON.stringify(listed).includes('clientSecret'))
      const plain = await segments(['clients', 'list', '--tenant', 'acme'], env)
      assert.match(plain.stdout, new RegExp(`^${erp.clientId} "ERP sync"  ${scopes}  created .*, never used$`, 'm'))

      const rotated = JSON.parse((await segments(['clients', 'rotate', erp.clientId, '--tenant', 'acme', '--json'], env)).stdout)
      assert.equal(rotated.clientId, erp.clientId)
      assert.notEqual(rotated.clientSecret, erp.clientSecret)
      const grace = await segments(['clients', 'rotate', other, '--tenant', 'acme', '--grace', '1h'], env)
      assert.match(grace.stdout, /the previous one works until \d{4}-/)

      const revoked = await segments(['clients', 'revoke', other, '--tenant', 'acme'], env)
      assert.match(revoked.stdout, new RegExp(`Revoked API client ${other}`))
      const again = await failure(['clients', 'revoke', other, '--tenant', 'acme'], env)
      assert.equal(again.code, 1)
      assert.equal(again.stderr.trim(), `Tenant acme has no API client ${other}.`)
      const foreign = await failure(['clients', 'rotate', erp.clientId, '--tenant', 'globex'], env)
      assert.equal(foreign.stderr.trim(), `Tenant globex has no API client ${erp.clientId}.`)

      const server = await startService('serve', { ...env, DELIVERY_WORKER: 'false' })
      try {
        const url = server.url as string
        const old = await tokenRequest(url, { grant_type: 'client_credentials', client_id: erp.clientId, client_secret: erp.clientSecret })
        assert.equal(old.status, 401)
        const issued = await tokenRequest(url, { grant_type: 'client_credentials', client_id: erp.clientId, client_secret: rotated.clientSecret })
        assert.equal(issued.status, 200)
        const token = ((await issued.json()) as { access_token: string }).access_token
        assert.equal(decodeJwt(token).tenant, 'acme')
        const segment = await fetch(`${url}/customer-segment/acme/segments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: { en: 'From the ERP' }, siteCode: 'main' }),
        })
        assert.equal(segment.status, 201)
      } finally {
        await server.stop()
      }

      const used = JSON.parse((await segments(['clients', 'list', '--tenant', 'acme', '--json'], env)).stdout)
      assert.ok(used[0].lastUsedAt, 'the token request was recorded')
    })

    it('refuses scopes a client cannot hold, a bad tenant, a bad name and a bad grace period, creating nothing', async () => {
      const cases: [string[], RegExp][] = [
        [['--tenant', 'acme', '--scopes', SCOPES.segmentReadOwn], /Unknown scope 'customersegment\.segment_read_own'; use any of: customersegment\.segment_manage/],
        [['--tenant', 'acme', '--scopes', 'openid profile'], /Unknown scopes 'openid', 'profile'/],
        [['--tenant', 'acme', '--scopes', ' '], /Name at least one of/],
        [['--tenant', 'ACME', '--scopes', SCOPES.segmentRead], /A tenant is 3-16 lowercase letters and digits/],
        [['--tenant', 'acme', '--scopes', SCOPES.segmentRead, '--name', 'n'.repeat(101)], /A name is 1-100 characters/],
        [['--tenant', 'acme'], /--scopes/],
      ]
      for (const [args, message] of cases) {
        const outcome = await failure(['clients', 'create', ...args], env)
        assert.equal(outcome.code, 1, outcome.stderr)
        assert.match(outcome.stderr, message)
      }
      const grace = await failure(['clients', 'rotate', '0'.repeat(32), '--tenant', 'acme', '--grace', '8d'], env)
      assert.match(grace.stderr, /at most 7d/)
      const listed = JSON.parse((await segments(['clients', 'list', '--tenant', 'acme', '--json'], env)).stdout)
      assert.equal(listed.length, 1, 'only the client of the test before')
    })
  })
}

describe('segments token', () => {
  it('refuses unknown scopes and invalid tenants, saying what it takes', async () => {
    const env = { AUTH_SECRET: SECRET }
    const scope = await failure(['token', '--tenant', 'acme', '--scopes', `${SCOPES.segmentRead} customersegment.segment_admin`], env)
    assert.equal(scope.code, 1)
    assert.match(scope.stderr, /Unknown scope 'customersegment\.segment_admin'; use any of: .*customersegment\.segment_read_own/)
    for (const tenant of ['ACME', 'ac', 'a-b-c', '1acme', 'x'.repeat(17)]) {
      const outcome = await failure(['token', '--tenant', tenant], env)
      assert.equal(outcome.code, 1)
      assert.match(outcome.stderr, /A tenant is 3-16 lowercase letters and digits, starting with a letter/)
    }
  })

  it('says on stderr which secret it signs with: AUTH_SECRET or the data dir file, by its path', async () => {
    const withSecret = await segments(['token', '--tenant', 'acme'], { AUTH_SECRET: SECRET })
    assert.equal(withSecret.stderr.trim(), 'Signed with AUTH_SECRET.')
    assert.equal(decodeJwt(withSecret.stdout.trim()).scope, `${SCOPES.segmentManage} ${SCOPES.segmentRead} ${SCOPES.webhookManage} ${SCOPES.webhookRead} ${SCOPES.clientManage}`)
    const dataDir = tempDir()
    const withFile = await segments(['token', '--tenant', 'acme'], { DATA_DIR: dataDir })
    assert.equal(withFile.stderr.trim(), `Signed with the secret in ${resolve(dataDir, 'auth-secret')} (from DATA_DIR).`)
  })

  it('signs with AUTH_PRIVATE_KEY_FILE, whose public key serve publishes and uses to verify', async () => {
    const dataDir = tempDir()
    const keyFile = join(dataDir, 'signing-key.pem')
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    writeFileSync(keyFile, privateKey.export({ type: 'sec1', format: 'pem' }))
    const env = { DATA_DIR: dataDir, AUTH_PRIVATE_KEY_FILE: keyFile }
    const { stdout, stderr } = await segments(['token', '--tenant', 'acme', '--scopes', SCOPES.segmentRead], env)
    assert.equal(stderr.trim(), `Signed with the ES256 key in AUTH_PRIVATE_KEY_FILE (${keyFile}).`)
    const token = stdout.trim()
    assert.equal(decodeProtectedHeader(token).alg, 'ES256')

    const server = await startService('serve', { ...env, DELIVERY_WORKER: 'false' })
    try {
      const url = server.url as string
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`)))
      assert.equal(payload.tenant, 'acme')
      const read = await fetch(`${url}/customer-segment/acme/segments`, { headers: { authorization: `Bearer ${token}` } })
      assert.equal(read.status, 200)
    } finally {
      await server.stop()
    }
  })

  it('explains a key file it cannot use, and a service that issues no tokens, in one line', async () => {
    const dir = tempDir()
    const missing = await failure(['token', '--tenant', 'acme'], { DATA_DIR: dir, AUTH_PRIVATE_KEY_FILE: join(dir, 'nope.pem') })
    assert.equal(missing.code, 1)
    assert.equal(missing.stderr.trim(), `AUTH_PRIVATE_KEY_FILE (${join(dir, 'nope.pem')}) cannot be read: ENOENT.`)
    const notAKey = join(dir, 'not-a-key.pem')
    writeFileSync(notAKey, 'hello')
    assert.match((await failure(['token', '--tenant', 'acme'], { DATA_DIR: dir, AUTH_PRIVATE_KEY_FILE: notAKey })).stderr, /not a PEM private key/)
    const both = await failure(['token', '--tenant', 'acme'], { AUTH_SECRET: SECRET, AUTH_PRIVATE_KEY_FILE: notAKey })
    assert.match(both.stderr, /either AUTH_SECRET or AUTH_PRIVATE_KEY_FILE/)
    const jwks = await failure(['token', '--tenant', 'acme'], { AUTH_JWKS_URL: 'https://idp.example.com/jwks.json' })
    assert.equal(jwks.code, 1)
    assert.match(jwks.stderr, /AUTH_JWKS_URL.*AUTH_PRIVATE_KEY_FILE/)
  })
})
