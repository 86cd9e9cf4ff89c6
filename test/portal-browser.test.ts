/**
 * The webhook portal in headless Chromium, as an integrator uses it, on each storage engine: open it from
 * the link dashboard-access gives, turn the SVIX_SHARED config on, add an endpoint (a real receiver on
 * loopback), subscribe an event type, see the delivery of a change in the message log, reveal the secret
 * and verify the delivery with it using the `svix` package, resend it, and find the link spent afterwards.
 * Every request the page makes goes to the service's own origin. With SCREENSHOTS=1 it saves the page to
 * docs/screenshots/portal.png for the README.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { Webhook } from 'svix'
import { type Receiver, startReceiver, waitFor } from './support/delivery-helpers.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { freshTenant, tenantClient } from './support/segment-helpers.js'

const CHROMIUM = '/usr/bin/chromium'
const CREATED = 'customer-segment.segment-created'

for (const engine of ENGINES) {
  describe(`the webhook portal in a browser on ${engine}`, { skip: existsSync(CHROMIUM) ? false : `needs Chromium at ${CHROMIUM} (apt-get install chromium)` }, () => {
    let t: TestApp
    let receiver: Receiver
    let base = ''
    before(async () => {
      t = await startTestApp(engine, { delivery: {} })
      await t.app.listen({ port: 0, host: '127.0.0.1' })
      base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
      receiver = await startReceiver()
    })
    after(async () => {
      await t.close()
      await receiver.close()
    })

    it('manages endpoints, shows and resends a delivery, and spends its link', { timeout: 90_000 }, async () => {
      const tenant = freshTenant('portal')
      const token = await t.token({ tenant })
      const access = await t.call({ method: 'GET', url: `/webhook/${tenant}/dashboard-access`, token })
      assert.equal(access.statusCode, 200, access.body)
      const link = new URL(access.json().url)
      const url = `${base}${link.pathname}${link.hash}`

      const { chromium } = await import('playwright-core')
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      })
      const elsewhere: string[] = []
      const problems: string[] = []
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
        page.on('request', (request) => {
          if (new URL(request.url()).origin !== base) elsewhere.push(request.url())
        })
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(message.text())
        })
        page.on('pageerror', (error) => problems.push(error.message))
        await page.goto(url)
        await page.getByRole('heading', { name: 'Webhook portal' }).waitFor()
        await page.getByText(`Tenant ${tenant}`).waitFor()
        assert.equal(new URL(page.url()).hash, '', 'the key leaves the address bar')

        // The config, an endpoint for one event type, and the subscription.
        await page.getByRole('button', { name: 'Create it' }).click()
        await page.getByText('deliveries are on').waitFor()
        await page.getByLabel('URL').fill(`${receiver.url}/portal`)
        await page.getByLabel('Description').fill('CRM')
        await page.getByRole('checkbox', { name: CREATED }).check()
        await page.getByRole('button', { name: 'Add endpoint' }).click()
        await page.getByRole('status').filter({ hasText: 'The endpoint is added.' }).waitFor()
        const row = page.locator('tr[data-endpoint]')
        assert.equal(await row.count(), 1)
        assert.match((await row.textContent()) ?? '', /CRM/)
        await page.getByRole('button', { name: `Subscribe to ${CREATED}` }).click()
        await page.getByRole('status').filter({ hasText: `Subscribed to ${CREATED}.` }).waitFor()

        // A change made through the API arrives, and shows in the message log.
        const segments = await tenantClient(t, tenant)
        await segments.create({ name: { en: 'Portal' }, siteCode: 'main' })
        const [event] = await segments.events()
        const [request] = await waitFor('the delivery', () => receiver.to('/portal', event.id).length > 0 && receiver.to('/portal', event.id))
        const message = page.locator(`tr[data-event="${event.id}"]`)
        for (let i = 0; i < 20 && !/delivered/.test((await message.textContent().catch(() => '')) ?? ''); i++) {
          await page.getByRole('button', { name: 'Refresh' }).click()
          await page.waitForTimeout(250)
        }
        assert.match((await message.textContent()) ?? '', /delivered, 1 attempt \(HTTP 204\)/)

        // The secret the page reveals verifies the delivery as a receiver written for Svix does.
        await row.getByRole('button', { name: 'Reveal secret' }).click()
        const secret = ((await page.getByLabel('Signing secret').textContent()) ?? '').trim()
        assert.match(secret, /^whsec_/)
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>)
        if (process.env.SCREENSHOTS === '1') {
          mkdirSync('docs/screenshots', { recursive: true })
          await page.screenshot({ path: 'docs/screenshots/portal.png', fullPage: true })
        }

        await message.getByRole('button', { name: 'Resend' }).click()
        await waitFor('the resent delivery', () => receiver.to('/portal', event.id).length === 2)

        // The link opened once: opening it again says so.
        const again = await browser.newPage()
        await again.goto(url)
        await again.getByRole('alert').filter({ hasText: 'used or has expired' }).waitFor()
      } finally {
        await browser.close()
      }
      assert.deepEqual(elsewhere, [], 'the page fetches nothing from another origin')
      assert.deepEqual(problems.filter((p) => !/401/.test(p)), [], 'no script errors')
    })
  })
}
