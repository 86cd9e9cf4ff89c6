/**
 * `segments console`, run as the compiled command beside a running `serve` on the embedded engine (whose
 * data dir is locked by the service: the command needs only the signing secret there): the link it prints
 * opens the console once, and only on this service; bad arguments and a service without a key of its own
 * get one clear line each.
 */
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { decodeJwt } from 'jose'
import { segments, segmentsFailure as failure } from './support/cli-path.js'
import { startService } from './support/service-process.js'

const dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'segments-console-'))
  dirs.push(dir)
  return dir
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function openSession(url: string, key: string): Promise<globalThis.Response> {
  return fetch(`${url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) })
}

describe('segments console', () => {
  it('prints a one-time link that signs in to the running embedded service for an hour', async () => {
    const env = { DATA_DIR: tempDir() }
    const server = await startService('serve', { ...env, DELIVERY_WORKER: 'false' })
    try {
      const url = server.url as string
      const { stdout, stderr } = await segments(['console', '--tenant', 'acme', '--url', `${url}/ignored/path`], env)
      assert.match(stderr, /within 10 minutes; it signs in once, for an hour/)
      const link = new URL(stdout.trim())
      assert.equal(`${link.origin}${link.pathname}`, `${url}/console`)
      const key = /^#key=(.+)$/.exec(link.hash)?.[1] as string
      assert.ok(key)
      const page = await fetch(`${link.origin}${link.pathname}`)
      assert.equal(page.status, 200)

      const opened = await openSession(url, key)
      assert.equal(opened.status, 200)
      const { tenant, token } = (await opened.json()) as { tenant: string; token: string }
      assert.equal(tenant, 'acme')
      const claims = decodeJwt(token)
      assert.ok((claims.exp as number) - (claims.iat as number) === 3_600)
      const read = await fetch(`${url}/customer-segment/acme/segments`, { headers: { authorization: `Bearer ${token}` } })
      assert.equal(read.status, 200)
      assert.equal((await openSession(url, key)).status, 401, 'a link opens once')

      // A link signed with another key opens nothing here.
      const elsewhere = (await segments(['console', '--tenant', 'acme'], { DATA_DIR: tempDir() })).stdout.trim()
      assert.match(elsewhere, /^http:\/\/localhost:8080\/console#key=/, 'the default address names PORT')
      assert.equal((await openSession(url, elsewhere.split('#key=')[1])).status, 401)
    } finally {
      await server.stop()
    }
  })

  it('signs with an asymmetric key too, and explains what it cannot do in one line', async () => {
    const dir = tempDir()
    const keyFile = join(dir, 'signing-key.pem')
    writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }))
    const signed = await segments(['console', '--tenant', 'acme', '--url', 'https://segments.example.com'], { DATA_DIR: dir, AUTH_PRIVATE_KEY_FILE: keyFile })
    assert.match(signed.stdout, /^https:\/\/segments\.example\.com\/console#key=eyJ/)

    const tenant = await failure(['console', '--tenant', 'ACME'], { DATA_DIR: dir })
    assert.equal(tenant.code, 1)
    assert.match(tenant.stderr, /A tenant is 3-16 lowercase letters and digits/)
    const url = await failure(['console', '--tenant', 'acme', '--url', 'ftp://example.com'], { DATA_DIR: dir })
    assert.match(url.stderr, /Use an http:\/\/ or https:\/\/ address/)
    const jwks = await failure(['console', '--tenant', 'acme'], { AUTH_JWKS_URL: 'https://idp.example.com/jwks.json' })
    assert.equal(jwks.code, 1)
    assert.match(jwks.stderr, /no key to sign a link with: sign in to the console with a token or API credentials/)
  })
})
