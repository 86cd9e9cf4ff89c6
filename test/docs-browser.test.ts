/**
 * The API reference at /docs, used in headless Chromium as a person would: authorize with an API client's
 * id and secret (the page gets its token from /oauth/token), then send an operation's request example
 * with Try it out and see it succeed.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { SCOPES } from '../src/auth/principal.js'
import { startTestApp, type TestApp } from './support/harness.js'
import { freshTenant } from './support/segment-helpers.js'

const CHROMIUM = '/usr/bin/chromium'

describe('the API reference in a browser', { skip: existsSync(CHROMIUM) ? false : `needs Chromium at ${CHROMIUM} (apt-get install chromium)` }, () => {
  let t: TestApp
  let base = ''
  let tenant = ''
  let client: { clientId: string; clientSecret: string }

  before(async () => {
    t = await startTestApp('pglite')
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
    tenant = freshTenant('docs')
    const res = await t.call({
      method: 'POST',
      url: `/customer-segment/${tenant}/api-clients`,
      token: await t.token({ tenant }),
      payload: { name: 'docs', scopes: [SCOPES.segmentManage, SCOPES.segmentRead] },
    })
    assert.equal(res.statusCode, 201, res.body)
    client = res.json()
  })
  after(() => t.close())

  it('authorizes with client credentials and creates a segment from the example with Try it out', { timeout: 60_000 }, async () => {
    const { chromium } = await import('playwright-core')
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
    try {
      const page = await browser.newPage()
      const tokens: number[] = []
      page.on('response', (response) => {
        if (new URL(response.url()).pathname === '/oauth/token') tokens.push(response.status())
      })
      await page.goto(`${base}/docs`)
      assert.equal(await page.title(), 'Customer Segment Service — API reference')
      await page.waitForSelector('.opblock')

      await page.click('.authorize')
      await page.fill('#client_id_clientCredentials', client.clientId)
      await page.fill('#client_secret_clientCredentials', client.clientSecret)
      await page.click('.auth-container:has-text("apiClient") button.authorize')
      await page.waitForSelector('.auth-container:has-text("apiClient") button:has-text("Logout")')
      assert.deepEqual(tokens, [200])
      await page.click('.close-modal')

      const create = page.locator('#operations-Segments-POST-customer-segment-create-segment')
      await create.locator('.opblock-summary').click()
      await create.locator('input[placeholder="tenant"]').fill(tenant)
      await create.locator('.execute').click()
      const status = create.locator('.live-responses-table .response .response-col_status').first()
      await status.waitFor()
      assert.equal((await status.textContent())?.trim(), '201')
    } finally {
      await browser.close()
    }

    const segments = await t.call({ method: 'GET', url: `/customer-segment/${tenant}/segments`, token: await t.token({ tenant }) })
    assert.deepEqual(
      segments.json().map((segment: { name: unknown }) => segment.name),
      [{ en: 'VIP customers', de: 'VIP-Kunden' }],
      'the example was sent as it is',
    )
  })
})
