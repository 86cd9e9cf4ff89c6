/**
 * The console in headless Chromium, on each storage engine, through the journeys its users take: sign in
 * with API credentials, create a segment (a JSON mistake shown before anything is sent), add members from
 * a CSV file (a refused line named), assign an item, give the segment a rule with its live preview, see a
 * customer's view, configure a webhook to a `segments listen` receiver, try a filter, send a test event,
 * see a delivery with its attempts and resend it, open the webhook portal, delete the segment with its
 * cascade spelled out, and sign in once with a `segments console` link. Every request stays on the
 * service's origin; no script errors. With SCREENSHOTS=1 the main pages go to docs/screenshots/.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { pino } from 'pino'
import { mintConsoleLink } from '../src/auth/console-link.js'
import { sharedSecret } from '../src/auth/signing-key.js'
import { type RuleEvaluator, startRuleEvaluator } from '../src/rules/rule-evaluator.js'
import { waitFor } from './support/delivery-helpers.js'
import { ENGINES, startTestApp, TEST_SECRET, type TestApp } from './support/harness.js'
import { type Listener, startListener } from './support/listen-process.js'
import { freshTenant } from './support/segment-helpers.js'

const CHROMIUM = '/usr/bin/chromium'
const SECRET = 's3cr3t'
const UPDATED = 'customer-segment.segment-updated'
const screenshots = process.env.SCREENSHOTS === '1'

async function shoot(page: Page, name: string): Promise<void> {
  if (!screenshots) return
  mkdirSync('docs/screenshots', { recursive: true })
  await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true })
}

/** The status note of the last action, once it says `text`. */
const said = (page: Page, text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).first().waitFor()

for (const engine of ENGINES) {
  describe(`the console in a browser on ${engine}`, { skip: existsSync(CHROMIUM) ? false : `needs Chromium at ${CHROMIUM} (apt-get install chromium)` }, () => {
    let t: TestApp
    let listener: Listener
    let browser: Browser
    let evaluator: RuleEvaluator
    let base = ''
    const elsewhere: string[] = []
    const problems: string[] = []

    const newPage = async (width = 1280) => {
      const page = await browser.newPage({ viewport: { width, height: 900 } })
      page.on('request', (request) => {
        if (new URL(request.url()).origin !== base) elsewhere.push(request.url())
      })
      page.on('console', (message) => {
        if (message.type() === 'error' && !/status of 40[0-9]/.test(message.text())) problems.push(message.text())
      })
      page.on('pageerror', (error) => problems.push(error.message))
      return page
    }

    before(async () => {
      t = await startTestApp(engine, { delivery: {} })
      await t.app.listen({ port: 0, host: '127.0.0.1' })
      base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
      listener = await startListener(['--secret', SECRET])
      evaluator = await startRuleEvaluator({ database: t.database, log: pino({ level: 'silent' }), chunkSize: 100, relativeIntervalMs: 60_000, pollMs: 50 })
      const { chromium } = await import('playwright-core')
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      })
    })
    after(async () => {
      await browser?.close()
      await evaluator?.stop()
      listener?.child.kill()
      await t.close()
      assert.deepEqual(elsewhere, [], 'the console fetches nothing from another origin')
      assert.deepEqual(problems, [], 'no script errors')
    })

    it('runs a segment from sign-in to a delivered, resent webhook', { timeout: 180_000 }, async () => {
      const tenant = freshTenant('console')
      const admin = await t.token({ tenant })
      const client = await t.call({
        method: 'POST',
        url: `/customer-segment/${tenant}/api-clients`,
        token: admin,
        payload: { name: 'console', scopes: ['customersegment.segment_manage', 'customersegment.segment_read', 'webhook.subscription_manage', 'webhook.subscription_read'] },
      })
      assert.equal(client.statusCode, 201, client.body)
      const { clientId, clientSecret } = client.json()
      // Directory entries for the rule and the customer view.
      const customers = [
        { id: 'ada', email: 'ada@example.com', firstName: 'Ada', tags: ['vip'] },
        { id: 'bob', email: 'bob@example.com', firstName: 'Bob', tags: [] },
        { id: 'cyd', email: 'cyd@example.com', firstName: 'Cyd', tags: ['vip'] },
      ]
      assert.equal((await t.call({ method: 'PUT', url: `/customer-segment/${tenant}/directory/customers`, token: admin, payload: customers })).statusCode, 207)

      const page = await newPage()
      await page.goto(`${base}/console`)
      await shoot(page, 'console-sign-in')
      await page.getByLabel('Client id').fill(clientId)
      await page.getByLabel('Client secret').fill(clientSecret)
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.getByRole('heading', { name: 'Segments' }).waitFor()
      await page.getByText(`Tenant ${tenant}`, { exact: true }).waitFor()

      // Create a segment: invalid mixins are pointed out before anything is sent.
      await page.getByRole('link', { name: 'New segment' }).click()
      await page.getByLabel('Id (optional: one is generated)').fill('gold')
      await page.getByLabel('Name (en)').fill('Gold customers')
      await page.getByRole('button', { name: 'Add a language' }).first().click()
      await page.getByLabel('Language').nth(1).fill('de')
      await page.getByLabel('Name (de)').fill('Goldkunden')
      await page.getByLabel('Mixins (JSON)').fill('{"tier": ')
      await page.getByText('Not valid JSON').waitFor()
      await page.getByRole('button', { name: 'Create segment' }).click()
      await page.getByRole('alert').filter({ hasText: 'Mixins are not valid JSON' }).waitFor()
      assert.equal((await t.call({ method: 'GET', url: `/customer-segment/${tenant}/segments/gold`, token: admin })).statusCode, 404, 'nothing was sent')
      await page.getByLabel('Mixins (JSON)').fill('{"tier": 1}')
      await page.getByRole('button', { name: 'Create segment' }).click()
      await page.getByRole('heading', { name: /Gold customers/ }).waitFor()
      const stored = (await t.call({ method: 'GET', url: `/customer-segment/${tenant}/segments/gold`, token: admin })).json()
      assert.deepEqual(stored.name, { en: 'Gold customers', de: 'Goldkunden' })
      assert.deepEqual(stored.mixins, { tier: 1 })

      // Members from a CSV file: a header, three customers, and an id too long to be one.
      await page.getByRole('link', { name: 'Members' }).click()
      const csv = `customerId,legalEntityId\nada,\nbob,\n${'x'.repeat(300)},\ncyd,\n`
      await page.getByLabel('Or a CSV file').setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
      await page.getByRole('button', { name: 'Add these members' }).click()
      await said(page, '3 of 4 added; 1 line refused.')
      await page.getByRole('region', { name: 'Refused lines' }).getByText(/^Line 4: x+/).waitFor()
      await page.locator('tr[data-member="cyd"]').waitFor()
      assert.equal(await page.locator('tr[data-member]').count(), 3)
      assert.equal(await page.locator('progress').getAttribute('value'), '4')
      await shoot(page, 'console-members')

      // An item.
      await page.getByRole('link', { name: 'Items' }).click()
      await page.getByLabel('Item id').fill('espresso')
      await page.getByRole('button', { name: 'Assign item' }).click()
      await said(page, 'Product espresso is assigned.')
      await page.locator('tr[data-item="espresso"]').waitFor()

      // What ada sees: gold, and espresso matches while grinder does not.
      await page.getByRole('link', { name: 'Customer view' }).click()
      await page.getByLabel('Customer id').fill('ada')
      await page.getByLabel('Products to check (ids)').fill('espresso, grinder')
      await page.getByRole('button', { name: 'Show' }).click()
      await page.locator('li[data-effective="gold"]').waitFor()
      assert.equal(await page.locator('tr[data-product="espresso"] td').nth(1).textContent(), 'Yes')
      assert.equal(await page.locator('tr[data-product="grinder"] td').nth(1).textContent(), 'No')
      await shoot(page, 'console-customer-view')

      // A webhook to `segments listen`, all event types, a filter tried on a sample, a test event.
      await page.getByRole('link', { name: 'Webhooks' }).click()
      await page.getByLabel('Destination URL').fill(`${listener.url}/events`)
      await page.getByLabel(/^Secret/).first().fill(SECRET)
      await page.getByRole('button', { name: 'Create the config' }).click()
      await said(page, 'The webhook config is created.')
      await page.getByRole('button', { name: /Subscribe to all 9 other types/ }).click()
      await said(page, 'Subscribed to 9 event types.')
      await page.getByRole('button', { name: 'Add an entry' }).click()
      await page.getByLabel('Event type of entry 1').selectOption(UPDATED)
      await page.getByLabel('Filter (JsonPath; empty: every event)').fill("$[?(@.status == 'ACTIVE')]")
      await page.getByRole('button', { name: 'Try the filter' }).click()
      await page.getByLabel('Sample payload').fill('{"id": "gold", "status": "INACTIVE"}')
      await page.getByRole('button', { name: 'Check the filter' }).click()
      await said(page, 'It does not match')
      await page.getByLabel('Sample payload').fill('{"id": "gold", "status": "ACTIVE"}')
      await page.getByRole('button', { name: 'Check the filter' }).click()
      await said(page, 'It matches')
      await page.getByRole('button', { name: 'Remove entry 1' }).click()
      await page.getByRole('button', { name: 'Send a test event to http (destination URL)' }).click()
      await said(page, /was answered 204/)
      const [testLine] = await listener.lines(1)
      assert.match(testLine, / 204 webhook\.test id=.* standard-webhooks=yes/)
      await shoot(page, 'console-webhooks')

      // A change, delivered to the receiver, seen in the event log with its attempt, and resent.
      await page.getByRole('link', { name: 'Segments' }).click()
      await page.getByRole('link', { name: 'Gold customers' }).click()
      await page.getByLabel('Status').selectOption('INACTIVE')
      await page.getByRole('button', { name: 'Save changes' }).click()
      await said(page, 'Saved.')
      const saved = (await t.call({ method: 'GET', url: `/customer-segment/${tenant}/segments/gold`, token: admin })).json()
      assert.equal(saved.status, 'INACTIVE')
      assert.deepEqual(saved.name, { en: 'Gold customers', de: 'Goldkunden' }, 'the form wrote back every language')
      const [delivered] = await listener.lines(1)
      assert.match(delivered, new RegExp(` 204 ${UPDATED} id=`))
      const eventId = /id=([0-9a-f-]+)/.exec(delivered)?.[1] as string
      await page.goto(`${base}/console#/webhooks/events`)
      const row = page.locator(`tr[data-event="${eventId}"]`)
      await waitFor('the delivered event in the log', async () => {
        await page.getByRole('button', { name: 'Refresh' }).click()
        return /Delivered \(204\)/.test((await row.textContent().catch(() => '')) ?? '')
      }, 15_000)
      await row.getByRole('link').click()
      await page.getByRole('heading', { name: UPDATED }).waitFor()
      const delivery = page.getByRole('article', { name: 'Delivery to http/default' })
      await delivery.locator('tr[data-attempt="1"]').waitFor()
      assert.match((await delivery.locator('tr[data-attempt="1"]').textContent()) ?? '', /204/)
      await delivery.locator('tr[data-attempt="1"]').getByText(/\d+ headers/).click()
      await delivery.locator('tr[data-attempt="1"]').getByText(`webhook-id: ${eventId}`).waitFor()
      await shoot(page, 'console-event')
      await page.getByRole('button', { name: 'Resend to http/default' }).click()
      await said(page, 'The event is sent again to http/default.')
      const [resent] = await listener.lines(1)
      assert.match(resent, new RegExp(`${UPDATED} id=${eventId}`), 'the same event, again')

      // The rule: live preview of what it selects, then its evaluation.
      await page.goto(`${base}/console#/segments/gold/rule`)
      await page.getByLabel('Query').fill('tags:vip')
      await waitFor('the preview', async () => (await page.locator('[data-preview-count]').textContent().catch(() => '')) === '2')
      await page.getByLabel('Query').fill('tags:vip AND')
      await page.locator('.rule-preview [role="alert"]').waitFor()
      await page.getByLabel('Query').fill('tags:vip')
      await page.getByRole('button', { name: 'Give the segment this rule' }).click()
      await said(page, 'The rule is saved')
      await page.getByText(/Evaluated: 3 of 3 customers/).waitFor({ timeout: 20_000 })
      await shoot(page, 'console-rule')

      // The portal, opened from dashboard-access.
      await page.goto(`${base}/console#/webhooks`)
      await page.getByRole('button', { name: 'Get a link to the webhook portal' }).click()
      const [portal] = await Promise.all([page.waitForEvent('popup'), page.getByRole('link', { name: 'Open the webhook portal' }).click()])
      await portal.getByRole('heading', { name: 'Webhook portal' }).waitFor()
      await portal.getByText(`Tenant ${tenant}`).first().waitFor()
      await portal.close()

      // Deleting the segment says what goes with it first.
      await page.goto(`${base}/console#/segments/gold`)
      await page.getByRole('button', { name: 'Delete…' }).click()
      await page.getByText(/also deletes 3 customer assignments and 1 item assignment, and its rule/).waitFor()
      await shoot(page, 'console-segment')
      await page.getByRole('button', { name: 'Delete gold and its assignments' }).click()
      await page.getByRole('heading', { name: 'Segments' }).waitFor()
      assert.equal((await t.call({ method: 'GET', url: `/customer-segment/${tenant}/segments/gold`, token: admin })).statusCode, 404)
      await page.close()
    })

    it('signs in once with a `segments console` link, refuses a customer token, and fits a tablet', { timeout: 60_000 }, async () => {
      const tenant = freshTenant('link')
      const link = await mintConsoleLink(sharedSecret(new TextEncoder().encode(TEST_SECRET), 'test'), tenant)
      const page = await newPage(768)
      await page.goto(`${base}/console#key=${link}`)
      await page.getByText(`Tenant ${tenant}`, { exact: true }).waitFor()
      assert.equal(new URL(page.url()).hash, '', 'the key leaves the address bar')
      const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number
      assert.ok(overflow <= 0, `no sideways scrolling at 768 px (${overflow} px too wide)`)
      // Keyboard: the first Tab reaches the skip link, which moves focus to the page.
      await page.keyboard.press('Tab')
      assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to content')
      await page.keyboard.press('Enter')
      assert.equal(await page.evaluate('document.activeElement?.id'), 'main')
      await page.getByRole('button', { name: 'Sign out' }).click()

      const again = await newPage()
      await again.goto(`${base}/console#key=${link}`)
      await again.getByRole('alert').filter({ hasText: 'used or has expired' }).waitFor()
      const customer = await t.token({ tenant, scopes: ['customersegment.segment_read_own'], customerId: 'ada' })
      await again.getByLabel('Bearer token').fill(customer)
      await again.getByRole('button', { name: 'Use this token' }).click()
      await again.getByRole('alert').filter({ hasText: "This is a customer's token" }).waitFor()
      await page.close()
      await again.close()
    })
  })
}
