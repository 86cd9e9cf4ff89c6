/**
 * PATCH of a webhook config: every documented path with UPSERT and REMOVE, the contract's PATCH
 * examples, the legacy by-type paths and their 409 when a type has several entries, entry creation and
 * entry ids, value checks per path, and atomicity — a patch with one bad operation changes nothing.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { freshTenant } from './support/segment-helpers.js'
import { assertWebhookError, atEntry, EXAMPLES, mapped, UUID, type WebhookClient, webhookClient } from './support/webhook-helpers.js'

const ASSIGNED = 'customer-segment.customer-assignment-created'
const CREATED = 'customer-segment.segment-created'
const DELETED = 'customer-segment.segment-deleted'
const URL_A = 'https://hooks.example.com/a'
const URL_B = 'https://hooks.example.com/b'
const HTTP = '/configuration/http'
const ENTRY = `${HTTP}/eventsConfigurationEntry`

type Entry = Record<string, any> & { id: string }

const config = (configuration: Record<string, unknown> = {}) => ({
  code: 'http',
  provider: 'HTTP',
  active: true,
  configuration: { destinationUrl: URL_A, ...configuration },
})

for (const engine of ENGINES) {
  describe(`webhook config PATCH on ${engine}`, () => {
    let t: TestApp
    let c: WebhookClient
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    /** A fresh tenant with an HTTP config holding `entries`; returns the stored entries as read. */
    const prepared = async (prefix: string, configuration: Record<string, unknown> = {}): Promise<Entry[]> => {
      c = await webhookClient(t, freshTenant(prefix))
      await c.create(config(configuration))
      return (await c.read()).configuration.eventsConfiguration
    }
    const ok = async (operations: unknown) => {
      const res = await c.patch(operations)
      assert.equal(res.statusCode, 204, res.body)
      assert.equal(res.body, '')
      return c.read()
    }
    const refused = async (operations: unknown, status: number, message?: RegExp) => {
      const before = await c.row()
      const body = assertWebhookError(await c.patch(operations), status)
      if (message) assert.match([body.message, ...(body.details ?? [])].join(' | '), message)
      assert.deepEqual(await c.row(), before, 'a refused patch changes nothing')
      return body
    }

    describe('the contract examples', () => {
      it('refuses the Svix (dedicated account) examples with a 400, without applying their other operations', async () => {
        await prepared('svix')
        await ok([{ op: 'UPSERT', path: '/active', value: false }])
        for (const name of ['Multiple Update List', 'Configuration Svix', 'Configuration Svix Api Key'] as const) {
          await refused(EXAMPLES.patch[name], 400, /provider SVIX \(a dedicated Svix account with an API key\) is not available/)
        }
        assert.equal((await c.read()).active, false, "the list's /active was not applied")
      })

      it('applies the root examples: active, headers, destination URL, secret key, whole configuration', async () => {
        await prepared('root', { eventsConfiguration: [{ eventType: CREATED }] })
        assert.equal((await ok(EXAMPLES.patch.Active)).active, true)
        let read = await ok(EXAMPLES.patch['Configuration Http Headers'])
        assert.deepEqual(read.configuration.headers, { header1: { value: 'value1' }, header2: { value: 'value2' } })
        read = await ok(EXAMPLES.patch['Configuration Http Destination Url'])
        assert.equal(read.configuration.destinationUrl, 'https://gcp.cloudfunctions.net/webhook?name=General')
        read = await ok(EXAMPLES.patch['Configuration Http Secret Key'])
        assert.equal(read.configuration.secretKeyExists, true)
        assert.equal((await c.row())?.configuration.secretKey, 'password123')
        assert.ok(!JSON.stringify(read).includes('password123'))

        read = await ok(EXAMPLES.patch['Configuration Http'])
        assert.deepEqual(read.configuration, {
          destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=General',
          secretKeyExists: true,
          eventsConfiguration: [],
        })
      })

      it('replaces and removes the whole entry list (Upsert / Remove Configuration Event Types)', async () => {
        await prepared('list', { eventsConfiguration: [{ eventType: DELETED }] })
        let read = await ok(mapped(EXAMPLES.patch['Upsert Configuration Event Types']))
        const entries = read.configuration.eventsConfiguration
        assert.deepEqual(
          entries.map((e: Entry) => [e.eventType, e.destinationUrl, e.filter, e.excludedFields]),
          [
            [ASSIGNED, 'https://gcp.cloudfunctions.net/webhook?name=Detailed', "$[?(@.code == 'abc')]", ['metadata']],
            [ASSIGNED, 'https://gcp.cloudfunctions.net/webhook?name=Second', undefined, []],
            ['customer-segment.item-assignment-deleted', 'https://gcp.cloudfunctions.net/webhook?name=Detailed', undefined, null],
          ],
        )
        for (const entry of entries) assert.match(entry.id, UUID)
        read = await ok(EXAMPLES.patch['Remove Configuration Event Types'])
        assert.deepEqual(read.configuration.eventsConfiguration, [])
      })

      it('applies the by-type and entry-list examples as written, with their PRODUCT / RETURN event types', async () => {
        await prepared('verbatim')
        let read = await ok(EXAMPLES.patch['Upsert Configuration Event Types'])
        assert.deepEqual(
          read.configuration.eventsConfiguration.map((e: Entry) => e.eventType),
          ['PRODUCT.CREATED', 'PRODUCT.CREATED', 'RETURN.DELETED'],
        )
        await ok(EXAMPLES.patch['Remove Configuration Event Types'])
        read = await ok(EXAMPLES.patch['Upsert Configuration Event Type'])
        assert.deepEqual(read.configuration.eventsConfiguration.map((e: Entry) => e.eventType), ['PRODUCT.CREATED'])
        await ok(EXAMPLES.patch['Upsert Configuration Event Type Destination Url'])
        await ok(EXAMPLES.patch['Upsert Configuration Event Type Secret Key'])
        read = await ok(EXAMPLES.patch['Upsert Configuration Event Type Headers'])
        assert.equal(read.configuration.eventsConfiguration[0].secretKeyExists, true)
        read = await ok(EXAMPLES.patch['Remove Configuration Event Type'])
        assert.deepEqual(read.configuration.eventsConfiguration, [])
      })

      it('applies the legacy by-type examples to a type with at most one entry', async () => {
        await prepared('legacy')
        let read = await ok(mapped(EXAMPLES.patch['Upsert Configuration Event Type']))
        const [created] = read.configuration.eventsConfiguration
        assert.equal(created.eventType, ASSIGNED)
        assert.equal(created.destinationUrl, 'https://gcp.cloudfunctions.net/webhook?name=Detailed')

        read = await ok(mapped(EXAMPLES.patch['Upsert Configuration Event Type']))
        assert.equal(read.configuration.eventsConfiguration.length, 1, 'the second upsert replaces the one entry')
        assert.equal(read.configuration.eventsConfiguration[0].id, created.id)

        await ok(mapped(EXAMPLES.patch['Upsert Configuration Event Type Destination Url']))
        await ok(mapped(EXAMPLES.patch['Upsert Configuration Event Type Secret Key']))
        read = await ok(mapped(EXAMPLES.patch['Upsert Configuration Event Type Headers']))
        const [entry] = read.configuration.eventsConfiguration
        assert.equal(entry.id, created.id)
        assert.equal(entry.secretKeyExists, true)
        assert.deepEqual(entry.headers, { header1: { value: 'value1' }, header2: { value: 'value2' } })

        read = await ok(mapped(EXAMPLES.patch['Remove Configuration Event Type']))
        assert.deepEqual(read.configuration.eventsConfiguration, [])
      })

      it('creates an entry with a new id (Create Configuration Event Entry)', async () => {
        const [existing] = await prepared('entrynew', { eventsConfiguration: [{ eventType: ASSIGNED }] })
        const read = await ok(mapped(EXAMPLES.patch['Create Configuration Event Entry']))
        const [kept, created] = read.configuration.eventsConfiguration
        assert.deepEqual(kept, existing)
        assert.match(created.id, UUID)
        assert.notEqual(created.id, existing.id)
        assert.deepEqual(created, {
          id: created.id,
          name: 'ERP integration',
          eventType: ASSIGNED,
          destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=New',
          secretKeyExists: false,
          filter: "$[?(@.status == 'DECLINED')]",
          excludedFields: ['mixins'],
          active: true,
        })
      })

      it('applies the by-id entry examples to a real entry, and answers 400 for the contract id this config does not have', async () => {
        const [target, other] = await prepared('entryid', { eventsConfiguration: [{ eventType: ASSIGNED, secretKey: 's', name: 'old' }, { eventType: ASSIGNED }] })
        await refused(mapped(EXAMPLES.patch['Upsert Configuration Event Entry']), 400, /no eventsConfiguration entry with id '3f1a2b4c/)

        let read = await ok(atEntry(EXAMPLES.patch['Upsert Configuration Event Entry'], target.id))
        let [entry] = read.configuration.eventsConfiguration
        assert.deepEqual(entry, {
          id: target.id,
          eventType: ASSIGNED,
          destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=Detailed',
          secretKeyExists: true,
          filter: "$[?(@.status == 'NEW')]",
          excludedFields: ['mixins'],
          active: true,
        })

        await ok(atEntry(EXAMPLES.patch['Upsert Configuration Event Entry Destination Url'], target.id))
        read = await ok(atEntry(EXAMPLES.patch['Upsert Configuration Event Entry Filter'], target.id))
        read = await ok(atEntry(EXAMPLES.patch['Upsert Configuration Event Entry Excluded Fields'], target.id))
        read = await ok(atEntry(EXAMPLES.patch['Upsert Configuration Event Entry Name'], target.id))
        read = await ok(atEntry(EXAMPLES.patch['Deactivate Configuration Event Entry'], target.id))
        ;[entry] = read.configuration.eventsConfiguration
        assert.equal(entry.name, 'ERP integration')
        assert.equal(entry.active, false)
        assert.equal(entry.filter, "$[?(@.status == 'NEW')]")
        assert.deepEqual(entry.excludedFields, ['mixins'])
        assert.deepEqual(read.configuration.eventsConfiguration[1], other, 'other entries are not touched')

        read = await ok(atEntry(EXAMPLES.patch['Remove Configuration Event Entry'], target.id))
        assert.deepEqual(read.configuration.eventsConfiguration, [other])
      })
    })

    describe('legacy by-type paths', () => {
      it('answer 409 on every legacy path when the type has several entries, and change nothing', async () => {
        await prepared('ambiguous', { eventsConfiguration: [{ eventType: CREATED }, { eventType: CREATED }, { eventType: DELETED }] })
        const base = `${HTTP}/eventsConfiguration/${CREATED}`
        const operations = [
          { op: 'UPSERT', path: base, value: { eventType: CREATED } },
          { op: 'REMOVE', path: base },
          { op: 'UPSERT', path: `${base}/destinationUrl`, value: URL_B },
          { op: 'REMOVE', path: `${base}/destinationUrl` },
          { op: 'UPSERT', path: `${base}/secretKey`, value: 's' },
          { op: 'UPSERT', path: `${base}/headers`, value: { h: { value: 'v' } } },
          { op: 'UPSERT', path: `${HTTP}/eventsConfiguration/${CREATED.toUpperCase()}/destinationUrl`, value: URL_B },
        ]
        for (const operation of operations) {
          const body = await refused([operation], 409, /2 entries for customer-segment.segment-created/)
          assert.match(body.message, /eventsConfigurationEntry\/\{entryId\}/)
        }
        const read = await ok([{ op: 'UPSERT', path: `${HTTP}/eventsConfiguration/${DELETED}/destinationUrl`, value: URL_B }])
        assert.equal(read.configuration.eventsConfiguration[2].destinationUrl, URL_B, 'a type with one entry is still addressable')
      })

      it('creates an entry through a legacy field path, and refuses removing what is not there', async () => {
        await prepared('legacynew')
        const read = await ok([{ op: 'UPSERT', path: `${HTTP}/eventsConfiguration/${CREATED}/destinationUrl`, value: URL_B }])
        const [entry] = read.configuration.eventsConfiguration
        assert.deepEqual(entry, { id: entry.id, eventType: CREATED, destinationUrl: URL_B, secretKeyExists: false, excludedFields: null, active: true })
        await refused([{ op: 'REMOVE', path: `${HTTP}/eventsConfiguration/${DELETED}` }], 400, /no entry for customer-segment.segment-deleted/)
        await refused([{ op: 'REMOVE', path: `${HTTP}/eventsConfiguration/${DELETED}/headers` }], 400)
      })

      it('refuses a malformed type, a value of another type, and a client id on a legacy path', async () => {
        const [entry] = await prepared('legacybad', { eventsConfiguration: [{ eventType: CREATED }] })
        await refused([{ op: 'UPSERT', path: `${HTTP}/eventsConfiguration/product created/destinationUrl`, value: URL_B }], 400, /not an event type/)
        await refused([{ op: 'UPSERT', path: `${HTTP}/eventsConfiguration/${CREATED}`, value: { eventType: DELETED } }], 400, /differs from the path/)
        await refused([{ op: 'UPSERT', path: `${HTTP}/eventsConfiguration/${DELETED}`, value: { id: entry.id, eventType: DELETED } }], 400, /generated by the server/)
        await refused([{ op: 'UPSERT', path: `${HTTP}/eventsConfiguration/${CREATED}`, value: { id: 'other', eventType: CREATED } }], 400)
      })
    })

    describe('entry paths', () => {
      it('refuses REMOVE on eventsConfigurationEntry and a client id on entry creation', async () => {
        await prepared('entryrules')
        await refused([{ op: 'REMOVE', path: ENTRY }], 400, /REMOVE is not supported/)
        await refused([{ op: 'UPSERT', path: ENTRY, value: { id: 'mine', eventType: CREATED } }], 400, /generated by the server/)
        await refused([{ op: 'UPSERT', path: ENTRY, value: { destinationUrl: URL_B } }], 400, /eventType/)
      })

      it('answers 400 for an entry id the config does not have, on every entry path', async () => {
        await prepared('unknownid', { eventsConfiguration: [{ eventType: CREATED }] })
        for (const suffix of ['', '/destinationUrl', '/secretKey', '/headers', '/filter', '/excludedFields', '/name', '/active']) {
          await refused([{ op: 'REMOVE', path: `${ENTRY}/nope${suffix}` }], 400, /no eventsConfiguration entry with id 'nope'/)
        }
        await refused([{ op: 'UPSERT', path: `${ENTRY}/nope/name`, value: 'x' }], 400, /no eventsConfiguration entry/)
      })

      it('sets and unsets each entry field', async () => {
        const [entry] = await prepared('fields', { eventsConfiguration: [{ eventType: CREATED }] })
        const at = (field: string) => `${ENTRY}/${entry.id}/${field}`
        let read = await ok([
          { op: 'UPSERT', path: at('destinationUrl'), value: URL_B },
          { op: 'UPSERT', path: at('secretKey'), value: 'entry-secret' },
          { op: 'UPSERT', path: at('headers'), value: { 'X-A': { value: 'a' } } },
          { op: 'UPSERT', path: at('filter'), value: "$[?(@.status == 'ACTIVE')]" },
          { op: 'UPSERT', path: at('excludedFields'), value: ['metadata'] },
          { op: 'UPSERT', path: at('name'), value: 'CRM' },
          { op: 'UPSERT', path: at('active'), value: false },
        ])
        assert.deepEqual(read.configuration.eventsConfiguration[0], {
          id: entry.id,
          name: 'CRM',
          eventType: CREATED,
          destinationUrl: URL_B,
          secretKeyExists: true,
          headers: { 'X-A': { value: 'a' } },
          filter: "$[?(@.status == 'ACTIVE')]",
          excludedFields: ['metadata'],
          active: false,
        })
        read = await ok(['destinationUrl', 'secretKey', 'headers', 'filter', 'excludedFields', 'name'].map((field) => ({ op: 'REMOVE', path: at(field) })))
        assert.deepEqual(read.configuration.eventsConfiguration[0], { id: entry.id, eventType: CREATED, secretKeyExists: false, excludedFields: null, active: false })
        assert.equal((await c.row())?.configuration.eventsConfiguration[0].secretKey, undefined)
        read = await ok([{ op: 'UPSERT', path: at('active'), value: true }, { op: 'UPSERT', path: at('filter'), value: '' }])
        assert.equal(read.configuration.eventsConfiguration[0].active, true)
        assert.equal(read.configuration.eventsConfiguration[0].filter, undefined, 'a blank filter is no filter')
      })

      it('keeps null and [] excludedFields apart', async () => {
        const [entry] = await prepared('excluded', { eventsConfiguration: [{ eventType: CREATED, excludedFields: ['tenant'] }] })
        const path = `${ENTRY}/${entry.id}/excludedFields`
        assert.deepEqual((await ok([{ op: 'UPSERT', path, value: [] }])).configuration.eventsConfiguration[0].excludedFields, [])
        assert.deepEqual((await c.row())?.configuration.eventsConfiguration[0].excludedFields, [])
        assert.equal((await ok([{ op: 'UPSERT', path, value: null }])).configuration.eventsConfiguration[0].excludedFields, null)
        assert.deepEqual((await ok([{ op: 'UPSERT', path, value: ['id'] }])).configuration.eventsConfiguration[0].excludedFields, ['id'])
        assert.equal((await ok([{ op: 'REMOVE', path }])).configuration.eventsConfiguration[0].excludedFields, null)
      })

      it('replaces a whole entry by id, keeping its id, its type when none is sent, and its secret unless removed', async () => {
        const [entry] = await prepared('replace', { eventsConfiguration: [{ eventType: CREATED, secretKey: 'keep', name: 'n', filter: '$[?(@.id)]' }] })
        let read = await ok([{ op: 'UPSERT', path: `${ENTRY}/${entry.id}`, value: { destinationUrl: URL_B } }])
        assert.deepEqual(read.configuration.eventsConfiguration[0], {
          id: entry.id,
          eventType: CREATED,
          destinationUrl: URL_B,
          secretKeyExists: true,
          excludedFields: null,
          active: true,
        })
        read = await ok([{ op: 'UPSERT', path: `${ENTRY}/${entry.id}`, value: { id: entry.id, eventType: DELETED, secretKeyExists: false } }])
        assert.deepEqual(read.configuration.eventsConfiguration[0], { id: entry.id, eventType: DELETED, secretKeyExists: false, excludedFields: null, active: true })
        await refused([{ op: 'UPSERT', path: `${ENTRY}/${entry.id}`, value: { id: 'other', eventType: DELETED } }], 400)
      })
    })

    describe('root paths', () => {
      it('removes root fields, replaces the entry list keeping known ids, and refuses REMOVE /active', async () => {
        const [one] = await prepared('rootremove', { secretKey: 's', headers: { h: { value: 'v' } }, eventsConfiguration: [{ eventType: CREATED }] })
        let read = await ok([
          { op: 'REMOVE', path: `${HTTP}/headers` },
          { op: 'REMOVE', path: `${HTTP}/destinationUrl` },
          { op: 'REMOVE', path: `${HTTP}/secretKey` },
        ])
        assert.deepEqual(read.configuration, { secretKeyExists: false, eventsConfiguration: [one] })
        read = await ok([{ op: 'UPSERT', path: `${HTTP}/eventsConfiguration`, value: [{ id: one.id, eventType: CREATED, name: 'kept' }, { eventType: DELETED }] }])
        assert.equal(read.configuration.eventsConfiguration[0].id, one.id)
        assert.equal(read.configuration.eventsConfiguration[0].name, 'kept')
        await refused([{ op: 'UPSERT', path: `${HTTP}/eventsConfiguration`, value: [{ id: 'nope', eventType: CREATED }] }], 400, /no eventsConfiguration entry/)
        await refused([{ op: 'UPSERT', path: `${HTTP}/eventsConfiguration`, value: [{ id: one.id, eventType: CREATED }, { id: one.id, eventType: CREATED }] }], 400, /more than once/)
        await refused([{ op: 'REMOVE', path: '/active' }], 400, /cannot be removed/)
        read = await ok([{ op: 'REMOVE', path: '/configuration' }])
        assert.deepEqual(read.configuration, { secretKeyExists: false, eventsConfiguration: [] })
      })

      it('keeps the root secret through an UPSERT of /configuration that does not mention it', async () => {
        await prepared('rootsecret', { secretKey: 'root' })
        const read = await ok([{ op: 'UPSERT', path: '/configuration', value: { destinationUrl: URL_B } }])
        assert.equal(read.configuration.secretKeyExists, true)
        assert.equal((await c.row())?.configuration.secretKey, 'root')
      })
    })

    describe('bad patches', () => {
      it('refuses bad values on each path with 400', async () => {
        const [entry] = await prepared('values', { eventsConfiguration: [{ eventType: CREATED }] })
        const at = (field: string) => `${ENTRY}/${entry.id}/${field}`
        const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`h${i}`, { value: 'v' }]))
        const cases: [unknown, RegExp?][] = [
          [{ op: 'UPSERT', path: '/active', value: 'true' }, /must be boolean/],
          [{ op: 'UPSERT', path: '/active' }, /needs a value/],
          [{ op: 'UPSERT', path: '/configuration', value: { destinationUrl: URL_B, colour: 'red' } }, /unknown field/],
          [{ op: 'UPSERT', path: `${HTTP}/headers`, value: eleven }, /more than 10/],
          [{ op: 'UPSERT', path: `${HTTP}/headers`, value: { 'bad name': { value: 'v' } } }, /not a valid HTTP header name/],
          [{ op: 'UPSERT', path: `${HTTP}/destinationUrl`, value: 5 }, /must be string/],
          [{ op: 'UPSERT', path: `${HTTP}/destinationUrl`, value: 'mailto:a@b.c' }, /not an absolute http or https URL/],
          [{ op: 'UPSERT', path: `${HTTP}/secretKey`, value: '' }],
          [{ op: 'UPSERT', path: `${HTTP}/eventsConfiguration`, value: { eventType: CREATED } }, /must be array/],
          [{ op: 'UPSERT', path: `${HTTP}/eventsConfiguration`, value: [{ eventType: 'nope' }] }, /not an event type/],
          [{ op: 'UPSERT', path: at('headers'), value: eleven }, /more than 10/],
          [{ op: 'UPSERT', path: at('filter'), value: '$[?(@.status ==' }, /not a valid JsonPath filter: unclosed bracketed selection/],
          [{ op: 'UPSERT', path: at('filter'), value: 1 }],
          [{ op: 'UPSERT', path: at('excludedFields'), value: ['customer'] }, /not a top-level field of customer-segment.segment-created/],
          [{ op: 'UPSERT', path: at('excludedFields'), value: [''] }, /blank/],
          [{ op: 'UPSERT', path: at('excludedFields'), value: 'metadata' }, /array of field names or null/],
          [{ op: 'UPSERT', path: at('name'), value: 'n'.repeat(256) }],
          [{ op: 'UPSERT', path: at('active'), value: null }, /must be boolean/],
          [{ op: 'REMOVE', path: at('active') }, /cannot be removed/],
          [{ op: 'UPSERT', path: at('destinationUrl'), value: 'hooks.example.com' }, /not an absolute/],
          [{ op: 'UPSERT', path: ENTRY, value: { eventType: CREATED, excludedFields: ['metadata.version'] } }, /not a top-level field/],
          [{ op: 'UPSERT', path: '/configuration/http', value: {} }, /unknown path/],
          [{ op: 'UPSERT', path: '/configuration/http/eventsConfigurationEntry/x/colour', value: 1 }, /unknown path/],
          [{ op: 'UPSERT', path: '/code', value: 'svix' }, /unknown path/],
        ]
        for (const [operation, message] of cases) await refused([operation], 400, message)
      })

      it('refuses malformed patch bodies with 400', async () => {
        await prepared('bodies')
        const bodies = [
          {},
          [],
          [{ op: 'replace', path: '/active', value: true }],
          [{ op: 'UPSERT' }],
          [{ op: 'UPSERT', path: '/active', value: true, from: '/x' }],
          [['UPSERT', '/active', true]],
          Array.from({ length: 101 }, () => ({ op: 'UPSERT', path: '/active', value: true })),
        ]
        for (const body of bodies) await refused(body, 400)
      })

      it('applies all operations or none: a bad last operation leaves the config as it was', async () => {
        const [entry] = await prepared('atomic', { secretKey: 'root', eventsConfiguration: [{ eventType: CREATED }] })
        await refused(
          [
            { op: 'UPSERT', path: '/active', value: false },
            { op: 'UPSERT', path: `${HTTP}/destinationUrl`, value: URL_B },
            { op: 'REMOVE', path: `${HTTP}/secretKey` },
            { op: 'UPSERT', path: ENTRY, value: { eventType: DELETED } },
            { op: 'REMOVE', path: `${ENTRY}/${entry.id}` },
            { op: 'UPSERT', path: `${ENTRY}/${entry.id}/name`, value: 'gone by now' },
          ],
          400,
          /no eventsConfiguration entry/,
        )
        const read = await c.read()
        assert.equal(read.active, true)
        assert.equal(read.configuration.destinationUrl, URL_A)
        assert.deepEqual(read.configuration.eventsConfiguration.map((e: Entry) => e.id), [entry.id])
      })

      it('applies operations in order: an entry created earlier in the patch can be addressed later by type', async () => {
        await prepared('order')
        const read = await ok([
          { op: 'UPSERT', path: ENTRY, value: { eventType: CREATED } },
          { op: 'UPSERT', path: `${HTTP}/eventsConfiguration/${CREATED}/destinationUrl`, value: URL_B },
        ])
        assert.equal(read.configuration.eventsConfiguration[0].destinationUrl, URL_B)
        await refused(
          [
            { op: 'UPSERT', path: ENTRY, value: { eventType: CREATED } },
            { op: 'UPSERT', path: `${HTTP}/eventsConfiguration/${CREATED}/destinationUrl`, value: URL_A },
          ],
          409,
        )
      })

      it('refuses a patch that would hold more than 100 entries', async () => {
        await prepared('many', { eventsConfiguration: Array.from({ length: 100 }, () => ({ eventType: CREATED })) })
        await refused([{ op: 'UPSERT', path: ENTRY, value: { eventType: CREATED } }], 400, /at most 100/)
      })
    })
  })
}
