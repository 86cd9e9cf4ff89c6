/**
 * Cross-origin calls (CORS_ORIGINS): preflights answered without a token, allowed origins get the headers
 * a page needs on every answer (errors too), other origins get none, and without the setting nothing
 * changes. Then the real thing: pages in headless Chromium on allowed and refused origins calling the API
 * with a customer token.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { SCOPES } from '../src/auth/principal.js'
import { ConfigError, DEFAULT_HTTP, loadConfig } from '../src/config.js'
import { assignCustomer, segment } from './support/assignment-helpers.js'
import { ENGINES, startTestApp, type TestApp, TEST_SECRET } from './support/harness.js'
import { assertError, freshTenant, type TenantClient, tenantClient } from './support/segment-helpers.js'

const SHOP = 'https://shop.example.com'
const CHROMIUM = '/usr/bin/chromium'

describe('CORS_ORIGINS', () => {
  const origins = (value: string) => loadConfig({ AUTH_SECRET: TEST_SECRET, CORS_ORIGINS: value }).http.corsOrigins

  it('takes origins separated by commas or spaces, or *', () => {
    assert.deepEqual(origins('https://a.example, http://localhost:3000  https://b.example:8443'), [
      'https://a.example',
      'http://localhost:3000',
      'https://b.example:8443',
    ])
    assert.deepEqual(origins('*'), ['*'])
    assert.equal(loadConfig({ AUTH_SECRET: TEST_SECRET }).http.corsOrigins, undefined)
  })

  it('refuses what is not an origin, naming the setting and the value', () => {
    for (const [value, hint] of [
      ['https://shop.example.com/', "did you mean 'https://shop.example.com'"],
      ['shop.example.com', 'not an origin'],
      ['ftp://files.example.com', 'not an origin'],
      ['https://a.example,*', "'*'"],
      ['https://user:pw@shop.example.com', "did you mean 'https://shop.example.com'"],
    ]) {
      assert.throws(
        () => origins(value),
        (error: Error) => error instanceof ConfigError && error.message.includes('CORS_ORIGINS') && error.message.includes(hint),
        value,
      )
    }
  })
})

for (const engine of ENGINES) {
  describe(`CORS on ${engine}`, () => {
    let t: TestApp
    let plain: TestApp
    let c: TenantClient
    before(async () => {
      t = await startTestApp(engine, { http: { ...DEFAULT_HTTP, corsOrigins: [SHOP] } })
      plain = await startTestApp(engine)
      c = await tenantClient(t, freshTenant('cors'))
      await segment(c, 'vip')
    })
    after(async () => {
      await t.close()
      await plain.close()
    })

    const preflight = (app: TestApp, origin: string) =>
      app.call({
        method: 'OPTIONS',
        url: `/customer-segment/${c.tenant}/segments`,
        token: null,
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, x-total-count' },
      })

    it('answers a preflight from an allowed origin without a token', async () => {
      const res = await preflight(t, SHOP)
      assert.equal(res.statusCode, 204)
      assert.equal(res.headers['access-control-allow-origin'], SHOP)
      assert.match(String(res.headers['access-control-allow-methods']), /PUT/)
      assert.match(String(res.headers['access-control-allow-headers']), /authorization/i)
      assert.equal(res.headers['access-control-max-age'], '600')
      assert.equal(res.headers['access-control-allow-credentials'], undefined)
      assert.match(String(res.headers.vary), /Origin/)
    })

    it('gives another origin nothing a browser would accept', async () => {
      const res = await preflight(t, 'https://evil.example.com')
      assert.equal(res.headers['access-control-allow-origin'], undefined)
      const read = await c.call({ method: 'GET', url: `/customer-segment/${c.tenant}/segments`, headers: { origin: 'https://evil.example.com' } })
      assert.equal(read.statusCode, 200)
      assert.equal(read.headers['access-control-allow-origin'], undefined)
    })

    it('lets an allowed page read answers, errors and the headers it needs', async () => {
      const read = await c.call({
        method: 'GET',
        url: `/customer-segment/${c.tenant}/segments`,
        headers: { origin: SHOP, 'x-total-count': 'true' },
      })
      assert.equal(read.statusCode, 200)
      assert.equal(read.headers['access-control-allow-origin'], SHOP)
      assert.equal(read.headers['x-total-count'], '1')
      assert.match(String(read.headers['access-control-expose-headers']), /X-Total-Count/)
      assert.match(String(read.headers['access-control-expose-headers']), /X-Request-Id/)

      const denied = await c.call({ method: 'GET', url: `/customer-segment/${c.tenant}/segments`, token: null, headers: { origin: SHOP } })
      assertError(denied, 401)
      assert.equal(denied.headers['access-control-allow-origin'], SHOP)
    })

    it('changes nothing without the setting', async () => {
      const res = await preflight(plain, SHOP)
      assertError(res, 404)
      assert.equal(res.headers['access-control-allow-origin'], undefined)
      const token = await plain.token({ tenant: c.tenant })
      const read = await plain.call({ method: 'GET', url: `/customer-segment/${c.tenant}/segments`, token, headers: { origin: SHOP } })
      assert.equal(read.statusCode, 200)
      assert.equal(read.headers['access-control-allow-origin'], undefined)
    })
  })
}

/** A page that calls `api` with `token` and reports what it could read, as JSON in its title. */
function storefrontPage(api: string, token: string): string {
  const script = `
    fetch(${JSON.stringify(api)}, { headers: { authorization: 'Bearer ${token}', 'x-total-count': 'true', 'accept-language': 'en' } })
      .then(async (res) => ({ status: res.status, total: res.headers.get('x-total-count'), ids: (await res.json()).map((s) => s.id) }))
      .catch((error) => ({ error: String(error) }))
      .then((result) => { document.title = JSON.stringify(result) })`
  return `<!doctype html><html><head><title>pending</title></head><body><script>${script}</script></body></html>`
}

describe('a storefront page in a browser', { skip: existsSync(CHROMIUM) ? false : `needs Chromium at ${CHROMIUM} (apt-get install chromium)` }, () => {
  let t: TestApp
  let c: TenantClient
  const pages: Server[] = []
  let api = ''
  let allowedPage = ''
  let otherPage = ''

  async function servePage(html: () => string): Promise<string> {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html()))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    pages.push(server)
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  before(async () => {
    let token = ''
    allowedPage = await servePage(() => storefrontPage(api, token))
    otherPage = await servePage(() => storefrontPage(api, token))
    t = await startTestApp('pglite', { http: { ...DEFAULT_HTTP, corsOrigins: [allowedPage] } })
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    c = await tenantClient(t, freshTenant('browser'))
    await segment(c, 'vip')
    await segment(c, 'other')
    await assignCustomer(c, 'vip', 'me')
    api = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/customer-segment/${c.tenant}/segments`
    token = await t.token({ tenant: c.tenant, scopes: [SCOPES.segmentReadOwn], customerId: 'me' })
  })
  after(async () => {
    for (const server of pages) server.close()
    await t.close()
  })

  it('reads the customer’s segments from an allowed origin and is blocked on another', async () => {
    const { chromium } = await import('playwright-core')
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
    try {
      const titleOf = async (url: string) => {
        const page = await browser.newPage()
        await page.goto(url)
        await page.waitForFunction("document.title !== 'pending'", undefined, { timeout: 10_000 })
        return JSON.parse(await page.title())
      }
      assert.deepEqual(await titleOf(allowedPage), { status: 200, total: '1', ids: ['vip'] })
      const blocked = await titleOf(otherPage)
      assert.match(blocked.error, /TypeError: Failed to fetch/)
    } finally {
      await browser.close()
    }
  })
})
