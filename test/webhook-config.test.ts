/**
 * The webhook config API, whole-config operations: the contract's create and update examples, HTTP as
 * the only provider, one config per code, entry id rules on create and PUT, write-only secrets, value
 * validation (URLs, headers, filters, excluded fields, event types), null versus [] excluded fields,
 * refused writes leaving nothing behind, DELETE with force, scopes, the error shape and OpenAPI; and that
 * the routing reads what the API stores.
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { SCOPES } from '../src/auth/principal.js'
import { loadRouting, resolveTarget, routeEvent } from '../src/webhooks/routing.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { freshTenant } from './support/segment-helpers.js'
import { assertWebhookError, EXAMPLES, mapped, UUID, type WebhookClient, webhookClient } from './support/webhook-helpers.js'

const ASSIGNED = 'customer-segment.customer-assignment-created'
const CREATED = 'customer-segment.segment-created'
const DELETED = 'customer-segment.segment-deleted'
const URL_A = 'https://hooks.example.com/a'
const URL_B = 'https://hooks.example.com/b'

const http = (configuration: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  code: 'http',
  provider: 'HTTP',
  active: true,
  configuration: { destinationUrl: URL_A, ...configuration },
  ...extra,
})
const update = (configuration: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => {
  const { code: _code, ...body } = http(configuration, extra)
  return body
}

for (const engine of ENGINES) {
  describe(`webhook config on ${engine}`, () => {
    let t: TestApp
    let c: WebhookClient
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    const client = async (prefix: string, scopes?: string[]) => {
      c = await webhookClient(t, freshTenant(prefix), scopes)
      return c
    }
    const post = (body: unknown) => c.call({ method: 'POST', url: c.url('/config'), payload: body as object })
    /** Runs `bad` and asserts it changed neither the stored row nor its modification time. */
    const unchanged = async (bad: () => Promise<unknown>) => {
      const before = await c.row()
      await bad()
      assert.deepEqual(await c.row(), before, 'a refused request leaves the stored config as it was')
    }

    describe('the contract examples', () => {
      it('refuses the SVIX create and update examples with a 400 naming the providers offered, storing nothing', async () => {
        await client('svix')
        const body = assertWebhookError(await post(EXAMPLES.create.SVIX), 400, /SVIX_SHARED/)
        assert.deepEqual(body.details, ['provider: SVIX is not offered; use SVIX_SHARED or HTTP'])
        assert.equal(await c.row(), undefined)
        await c.create(http())
        await unchanged(async () => assertWebhookError(await c.put(EXAMPLES.update.SVIX), 400, /SVIX_SHARED/))
      })

      it('creates the SVIX_SHARED example, reads it back with its empty configuration, and takes its update example', async () => {
        await client('shared')
        assert.equal((await post(EXAMPLES.create.SVIX_SHARED)).statusCode, 201)
        const read = await c.call({ method: 'GET', url: c.url('/config/svix_shared') })
        assert.deepEqual(read.json(), { code: 'svix_shared', provider: 'SVIX_SHARED', active: true, configuration: {} })
        assert.equal((await c.call({ method: 'PUT', url: c.url('/config/svix_shared'), payload: EXAMPLES.update.SVIX_SHARED })).statusCode, 204)
        assert.equal((await c.call({ method: 'PATCH', url: c.url('/config/svix_shared'), payload: [{ op: 'UPSERT', path: '/active', value: false }] })).statusCode, 204)
        assert.equal((await c.call({ method: 'GET', url: c.url('/config/svix_shared') })).json().active, false)
      })

      it('refuses an SVIX_SHARED config with a configuration of its own, on create, PUT and PATCH', async () => {
        await client('sharedbad')
        const configuration = { destinationUrl: URL_A }
        assertWebhookError(await post({ ...EXAMPLES.create.SVIX_SHARED, configuration }), 400, /empty configuration/)
        assertWebhookError(await post({ ...EXAMPLES.create.SVIX_SHARED, code: 'http' }), 400, /provider SVIX_SHARED code 'svix_shared'/)
        await c.create(EXAMPLES.create.SVIX_SHARED)
        const url = c.url('/config/svix_shared')
        assertWebhookError(await c.call({ method: 'PUT', url, payload: { ...EXAMPLES.update.SVIX_SHARED, configuration } }), 400, /empty configuration/)
        assertWebhookError(await c.call({ method: 'PUT', url, payload: update() }), 400, /code does not match|does not match the provider/)
        assertWebhookError(await c.call({ method: 'PATCH', url, payload: [{ op: 'UPSERT', path: '/configuration/http/destinationUrl', value: URL_A }] }), 400, /empty configuration/)
        assert.deepEqual((await c.call({ method: 'GET', url })).json().configuration, {})
      })

      it('keeps one config active: activating one deactivates the other', async () => {
        await client('oneactive')
        await c.create(http())
        await c.create(EXAMPLES.create.SVIX_SHARED)
        const active = async () => Object.fromEntries(((await c.call({ method: 'GET', url: c.url('/config') })).json() as { code: string; active: boolean }[]).map((r) => [r.code, r.active]))
        assert.deepEqual(await active(), { http: false, svix_shared: true })
        assert.equal((await c.patch([{ op: 'UPSERT', path: '/active', value: true }])).statusCode, 204)
        assert.deepEqual(await active(), { http: true, svix_shared: false })
      })

      it('creates the HTTP example as written: other services\' event types are kept as sent', async () => {
        await client('verbatim')
        const res = await post(EXAMPLES.create.HTTP)
        assert.equal(res.statusCode, 201, res.body)
        const read = await c.read()
        const sentTypes = (EXAMPLES.create.HTTP.configuration.eventsConfiguration as { eventType: string }[]).map((e) => e.eventType)
        assert.deepEqual(
          read.configuration.eventsConfiguration.map((e: { eventType: string }) => e.eventType),
          sentTypes,
        )
      })

      it('creates the HTTP example (event types mapped): 201 {code}, read back with ids, flags and secretKeyExists but no secret', async () => {
        await client('create')
        const res = await post(mapped(EXAMPLES.create.HTTP))
        assert.equal(res.statusCode, 201, res.body)
        assert.deepEqual(res.json(), { code: 'http' })

        const read = await c.read()
        const [first, second] = read.configuration.eventsConfiguration
        assert.match(first.id, UUID)
        assert.match(second.id, UUID)
        assert.notEqual(first.id, second.id)
        assert.deepEqual(read, {
          code: 'http',
          provider: 'HTTP',
          active: true,
          configuration: {
            destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=General',
            secretKeyExists: true,
            headers: { header1: { value: 'value1' }, header2: { value: 'value2' } },
            eventsConfiguration: [
              {
                id: first.id,
                eventType: ASSIGNED,
                destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=Detailed',
                secretKeyExists: true,
                headers: { header3: { value: 'value3' }, header4: { value: 'value4' } },
                filter: "$[?(@.code == 'abc')]",
                excludedFields: ['metadata'],
                active: true,
              },
              {
                id: second.id,
                eventType: ASSIGNED,
                destinationUrl: 'https://gcp.cloudfunctions.net/webhook?name=Second',
                secretKeyExists: false,
                excludedFields: [],
                active: true,
              },
            ],
          },
        })
        const list = await c.call({ method: 'GET', url: c.url('/config') })
        assert.equal(list.statusCode, 200)
        assert.deepEqual(list.json(), [read])
        for (const body of [JSON.stringify(read), list.body]) {
          assert.ok(!body.includes('password123') && !body.includes('admin123') && !body.includes('"secretKey"'), 'no secret is ever read back')
        }
        const stored = (await c.row())?.configuration
        assert.equal(stored.secretKey, 'password123')
        assert.equal(stored.eventsConfiguration[0].secretKey, 'admin123')
      })

      it('answers the HTTP update example 400 for its unknown entry ids, and 204 once the ids are the stored ones', async () => {
        await client('update')
        await c.create(mapped(EXAMPLES.create.HTTP))
        const example = mapped(EXAMPLES.update.HTTP)
        let body = assertWebhookError(await c.put(example), 400)
        assert.match(body.message, /no eventsConfiguration entry with id '3f1a2b4c-5d6e-7f80-91a2-b3c4d5e6f708'/)
        body = assertWebhookError(await c.put(EXAMPLES.update.HTTP), 400)

        const ids = (await c.read()).configuration.eventsConfiguration.map((entry: { id: string }) => entry.id)
        example.configuration.eventsConfiguration.forEach((entry, index) => (entry.id = ids[index]))
        const res = await c.put(example)
        assert.equal(res.statusCode, 204, res.body)
        assert.equal(res.body, '')
        const entries = (await c.read()).configuration.eventsConfiguration
        assert.deepEqual(entries.map((entry: { id: string }) => entry.id), ids)
        assert.equal(entries[0].name, 'ERP integration')
        assert.equal(entries[0].secretKeyExists, true, 'an entry kept by id keeps its secret when none is sent')
      })
    })

    describe('provider, code and uniqueness', () => {
      it('takes only code http for provider HTTP, on create and on PUT', async () => {
        await client('code')
        for (const code of ['svix', 'svix_shared', 'HTTP', 'http2']) assertWebhookError(await post(http({}, { code })), 400, /provider HTTP takes code 'http'/)
        assert.equal(await c.row(), undefined)
        await c.create(http())
        assertWebhookError(await c.put({ ...update(), code: 'other' }), 400, /differs from the path code/)
        assertWebhookError(await c.call({ method: 'PUT', url: c.url('/config/svix'), payload: update() }), 400)
        assert.equal((await c.put({ ...update(), code: 'http' })).statusCode, 204, 'the code read back may be sent back')
      })

      it('answers a second create with 409 and keeps the first config', async () => {
        await client('dup')
        await c.create(http({ destinationUrl: URL_A }))
        await unchanged(async () => assertWebhookError(await post(http({ destinationUrl: URL_B })), 409, /^The resource already exists/))
        assert.equal((await c.read()).configuration.destinationUrl, URL_A)
      })

      it('answers 404 for a config that does not exist, on GET, PUT and PATCH', async () => {
        await client('missing')
        assertWebhookError(await c.call({ method: 'GET', url: c.url('/config/http') }), 404, "The webhook config 'http' has not been found.")
        assertWebhookError(await c.call({ method: 'GET', url: c.url('/config/svix') }), 404)
        assertWebhookError(await c.put(update()), 404)
        assertWebhookError(await c.patch([{ op: 'UPSERT', path: '/active', value: false }]), 404)
        assert.deepEqual((await c.call({ method: 'GET', url: c.url('/config') })).json(), [])
        assert.equal(await c.row(), undefined)
      })

      it('keeps configs of different tenants apart', async () => {
        const a = await client('tenanta')
        await a.create(http({ destinationUrl: URL_A }))
        const b = await client('tenantb')
        await b.create(http({ destinationUrl: URL_B }))
        assert.equal((await a.read()).configuration.destinationUrl, URL_A)
        assert.equal((await b.read()).configuration.destinationUrl, URL_B)
      })

      it('defaults active to true on create and PUT, and keeps an explicit false', async () => {
        await client('active')
        const { active: _active, ...withoutActive } = http()
        await c.create(withoutActive)
        assert.equal((await c.read()).active, true)
        assert.equal((await c.put(update({}, { active: false }))).statusCode, 204)
        assert.equal((await c.read()).active, false)
        const { active: _again, ...updateWithoutActive } = update()
        assert.equal((await c.put(updateWithoutActive)).statusCode, 204)
        assert.equal((await c.read()).active, true)
      })
    })

    describe('entry ids', () => {
      it('refuses a client id on create with 400 and stores nothing', async () => {
        await client('clientid')
        const body = assertWebhookError(await post(http({ eventsConfiguration: [{ id: 'mine', eventType: CREATED }] })), 400, /generated by the server/)
        assert.deepEqual(body.details, ['configuration.eventsConfiguration.0.id: entry ids are server-generated; omit the id to create an entry'])
        assert.equal(await c.row(), undefined)
      })

      it('on PUT keeps known ids, refuses unknown and duplicate ids, and gives entries without id new ids', async () => {
        await client('putids')
        await c.create(http({ eventsConfiguration: [{ eventType: CREATED, name: 'one' }, { eventType: CREATED, name: 'two' }] }))
        const [one, two] = (await c.read()).configuration.eventsConfiguration
        await unchanged(async () => {
          assertWebhookError(await c.put(update({ eventsConfiguration: [{ id: 'nope', eventType: CREATED }] })), 400, /no eventsConfiguration entry with id 'nope'/)
          assertWebhookError(
            await c.put(update({ eventsConfiguration: [{ id: one.id, eventType: CREATED }, { id: one.id, eventType: CREATED }] })),
            400,
            /given more than once/,
          )
        })
        const res = await c.put(update({ eventsConfiguration: [{ id: two.id, eventType: CREATED, name: 'two again' }, { eventType: CREATED, name: 'three' }] }))
        assert.equal(res.statusCode, 204, res.body)
        const entries = (await c.read()).configuration.eventsConfiguration
        assert.equal(entries.length, 2)
        assert.equal(entries[0].id, two.id)
        assert.equal(entries[0].name, 'two again')
        assert.match(entries[1].id, UUID)
        assert.ok(![one.id, two.id].includes(entries[1].id), 'an entry without id is a new entry')
      })

      it('reuses the stored id, and its secret, when stored and sent hold exactly one entry of an event type', async () => {
        await client('reuse')
        await c.create(
          http({
            eventsConfiguration: [
              { eventType: CREATED, secretKey: 'created-secret' },
              { eventType: DELETED },
              { eventType: DELETED },
            ],
          }),
        )
        const [created, deletedA, deletedB] = (await c.read()).configuration.eventsConfiguration
        const res = await c.put(update({ eventsConfiguration: [{ eventType: CREATED.toUpperCase(), destinationUrl: URL_B }, { eventType: DELETED }, { eventType: DELETED }] }))
        assert.equal(res.statusCode, 204, res.body)
        const entries = (await c.read()).configuration.eventsConfiguration
        assert.equal(entries[0].id, created.id)
        assert.equal(entries[0].eventType, CREATED, 'event types are stored as the catalogue spells them')
        assert.equal(entries[0].secretKeyExists, true)
        assert.equal((await c.row())?.configuration.eventsConfiguration[0].secretKey, 'created-secret')
        for (const entry of entries.slice(1)) assert.ok(![deletedA.id, deletedB.id].includes(entry.id), 'two of a type are not matched by type')

        assert.equal((await c.put(update({ eventsConfiguration: [{ eventType: CREATED }, { eventType: CREATED }] }))).statusCode, 204)
        const twice = (await c.read()).configuration.eventsConfiguration
        assert.ok(twice.every((entry: { id: string }) => entry.id !== created.id), 'one stored but two sent: both are new')
      })
    })

    describe('secrets', () => {
      it('keeps secrets a PUT leaves out, replaces sent ones, and removes them on secretKeyExists: false', async () => {
        await client('secrets')
        await c.create(http({ secretKey: 'root-1', eventsConfiguration: [{ eventType: CREATED, secretKey: 'entry-1' }] }))
        const read = await c.read()
        const { code: _code, ...roundTrip } = read
        assert.equal((await c.put(roundTrip)).statusCode, 204, 'what GET answers can be PUT back')
        assert.deepEqual(await c.read(), read)
        let stored = (await c.row())?.configuration
        assert.equal(stored.secretKey, 'root-1')
        assert.equal(stored.eventsConfiguration[0].secretKey, 'entry-1')

        const id = read.configuration.eventsConfiguration[0].id
        assert.equal((await c.put(update({ secretKey: 'root-2', eventsConfiguration: [{ id, eventType: CREATED, secretKeyExists: false }] }))).statusCode, 204)
        stored = (await c.row())?.configuration
        assert.equal(stored.secretKey, 'root-2')
        assert.equal(stored.eventsConfiguration[0].secretKey, undefined)
        assert.equal((await c.read()).configuration.eventsConfiguration[0].secretKeyExists, false)

        await unchanged(async () => {
          assertWebhookError(await c.put(update({ eventsConfiguration: [{ id, eventType: CREATED, secretKeyExists: true }] })), 400, /no stored secret/)
          assertWebhookError(await c.put(update({ secretKey: 'x', secretKeyExists: false })), 400, /not both/)
          assertWebhookError(await c.put(update({ secretKey: '' })), 400)
        })
      })
    })

    describe('credentials in URLs and headers', () => {
      it('masks URL passwords and credential headers on every read, and keeps the stored ones when the mask is sent back', async () => {
        await client('creds')
        const headers = { Authorization: { value: 'Bearer abc' }, 'X-Api-Key': { value: 'k-1' }, 'X-Trace': { value: 'plain' } }
        await c.create(
          http({
            destinationUrl: 'https://hooks:pw-1@hooks.example.com/in',
            headers,
            eventsConfiguration: [{ eventType: CREATED, destinationUrl: 'https://u:pw-2@other.example.com/in', headers: { Cookie: { value: 'session=s' } } }],
          }),
        )
        const read = await c.read()
        assert.equal(read.configuration.destinationUrl, 'https://hooks:****@hooks.example.com/in')
        assert.deepEqual(read.configuration.headers, { Authorization: { value: '****' }, 'X-Api-Key': { value: '****' }, 'X-Trace': { value: 'plain' } })
        const [entryRead] = read.configuration.eventsConfiguration
        assert.equal(entryRead.destinationUrl, 'https://u:****@other.example.com/in')
        assert.deepEqual(entryRead.headers, { Cookie: { value: '****' } })
        const readOnly = await webhookClient(t, c.tenant, [SCOPES.webhookRead])
        const listed = await readOnly.call({ method: 'GET', url: readOnly.url('/config') })
        for (const secret of ['pw-1', 'pw-2', 'Bearer abc', 'k-1', 'session=s']) assert.ok(!listed.body.includes(secret), `${secret} not shown`)
        const targets = await c.call({ method: 'GET', url: c.url('/targets') })
        for (const secret of ['pw-1', 'pw-2']) assert.ok(!targets.body.includes(secret), `${secret} not shown in targets`)

        // Read, change one field, write back: the masked credentials stand for the stored ones.
        const { code: _code, ...roundTrip } = read
        await unchanged(async () => assert.equal((await c.put(roundTrip)).statusCode, 204))
        roundTrip.configuration.headers['X-Trace'] = { value: 'changed' }
        assert.equal((await c.put(roundTrip)).statusCode, 204)
        const stored = (await c.row())?.configuration
        assert.equal(stored.destinationUrl, 'https://hooks:pw-1@hooks.example.com/in')
        assert.deepEqual(stored.headers, { ...headers, 'X-Trace': { value: 'changed' } })
        assert.equal(stored.eventsConfiguration[0].destinationUrl, 'https://u:pw-2@other.example.com/in')
        assert.deepEqual(stored.eventsConfiguration[0].headers, { Cookie: { value: 'session=s' } })
        const patched = await c.patch([{ op: 'UPSERT', path: '/configuration/http/headers', value: { Authorization: { value: '****' }, 'X-New-Token': { value: 't' } } }])
        assert.equal(patched.statusCode, 204, patched.body)
        assert.deepEqual((await c.row())?.configuration.headers, { Authorization: { value: 'Bearer abc' }, 'X-New-Token': { value: 't' } })

        await unchanged(async () => {
          const masked = await c.patch([{ op: 'UPSERT', path: '/configuration/http/headers', value: { 'X-Other-Secret': { value: '****' } } }])
          assertWebhookError(masked, 400, /stands for a stored value, and there is none to keep/)
          const url = await c.patch([{ op: 'UPSERT', path: '/configuration/http/destinationUrl', value: 'https://x:****@new.example.com/' }])
          assertWebhookError(url, 400, /stands for a stored password/)
        })
      })
    })

    describe('validation', () => {
      const entry = (fields: Record<string, unknown>) => http({ eventsConfiguration: [{ eventType: CREATED, ...fields }] })
      const cases: [string, unknown, RegExp?][] = [
        ['provider missing', { code: 'http' }],
        ['code missing', { provider: 'HTTP' }],
        ['active not a boolean', http({}, { active: 'yes' })],
        ['unknown root field', http({}, { colour: 'red' })],
        ['unknown configuration field', http({ apiKey: 'k' })],
        ['unknown entry field', entry({ priority: 1 })],
        ['configuration not an object', { code: 'http', provider: 'HTTP', configuration: [] }],
        ['eventsConfiguration not an array', http({ eventsConfiguration: {} })],
        ['entry without eventType', http({ eventsConfiguration: [{ destinationUrl: URL_A }] })],
        ['malformed event type', entry({ eventType: 'product created' }), /not an event type: use a dotted name/],
        ['event type without a dot', entry({ eventType: 'created' }), /not an event type/],
        ['relative URL', http({ destinationUrl: '/hooks' }), /not an absolute http or https URL/],
        ['ftp URL', http({ destinationUrl: 'ftp://hooks.example.com/' }), /not an absolute http or https URL/],
        ['URL without host', http({ destinationUrl: 'https://' }), /not an absolute/],
        ['URL with spaces', entry({ destinationUrl: 'https://hooks.example.com/a b' }), /not an absolute/],
        ['URL not a string', http({ destinationUrl: 42 })],
        ['11 headers', http({ headers: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`h${i}`, { value: 'v' }])) }), /more than 10/],
        ['11 entry headers', entry({ headers: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`h${i}`, { value: 'v' }])) })],
        ['header without value object', http({ headers: { h: 'v' } })],
        ['header with an extra key', http({ headers: { h: { value: 'v', other: 1 } } })],
        ['header name with a space', http({ headers: { 'bad name': { value: 'v' } } }), /not a valid HTTP header name/],
        ['framing header', http({ headers: { 'Content-Length': { value: '1' } } }), /set by the HTTP client/],
        ['header twice in two cases', http({ headers: { 'X-Key': { value: 'a' }, 'x-key': { value: 'b' } } }), /given twice/],
        ['header value with a line break', http({ headers: { 'X-Key': { value: 'a\r\nInjected: 1' } } }), /line breaks/],
        ['name of 256 characters', entry({ name: 'n'.repeat(256) })],
        ['invalid filter', entry({ filter: '$[?(@.status ==' }), /not a valid JsonPath filter/],
        ['excludedFields with a nested path', entry({ excludedFields: ['metadata.version'] }), /not a top-level field/],
        ['excludedFields with a blank name', entry({ excludedFields: [' '] }), /blank/],
        ['excludedFields naming no payload field', entry({ excludedFields: ['mixins'] }), /not a top-level field of customer-segment.segment-created/],
        ['excludedFields not a list', entry({ excludedFields: 'metadata' })],
        ['entry active not a boolean', entry({ active: 'false' })],
        ['empty secretKey', http({ secretKey: '' })],
      ]
      for (const [label, body, message] of cases) {
        it(`refuses ${label} with 400, storing nothing`, async () => {
          await client('invalid')
          const error = assertWebhookError(await post(body), 400)
          if (message) assert.match([error.message, ...(error.details ?? [])].join(' | '), message)
          assert.equal(await c.row(), undefined)
        })
      }

      it('names the field and gives the parser message in details for a bad filter', async () => {
        await client('filter')
        const body = assertWebhookError(await post(http({ eventsConfiguration: [{ eventType: CREATED }, { eventType: CREATED, filter: "$[?(@.code == 'abc']" }] })), 400)
        assert.equal(body.details?.length, 1)
        assert.match(body.details?.[0] ?? '', /^configuration\.eventsConfiguration\.1\.filter: not a valid JsonPath filter: .+/)
      })

      it('accepts RFC 9535 filters, and stores a blank filter as none', async () => {
        await client('filterok')
        const filters = ["$[?(@.status == 'ACTIVE')]", "$[?@.siteCode == 'main' && @.status != 'INACTIVE']", '$[?(@.metadata.version > 1)]', '  ']
        await c.create(http({ eventsConfiguration: filters.map((filter) => ({ eventType: CREATED, filter })) }))
        const entries = (await c.read()).configuration.eventsConfiguration
        assert.deepEqual(entries.map((e: { filter?: string }) => e.filter), [...filters.slice(0, 3), undefined])
      })

      it('takes a 10-header map, 255-character names and http URLs with ports and queries', async () => {
        await client('limits')
        const headers = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`X-H${i}`, { value: `v${i}` }]))
        await c.create(http({ destinationUrl: 'http://localhost:8080/hook?x=1', headers, eventsConfiguration: [{ eventType: CREATED, name: 'n'.repeat(255), headers }] }))
        const read = await c.read()
        assert.deepEqual(read.configuration.headers, headers)
        assert.equal(read.configuration.eventsConfiguration[0].name.length, 255)
      })

      it('refuses a bad PUT as a whole: the stored config stays as it was', async () => {
        await client('putatomic')
        await c.create(http({ secretKey: 's', eventsConfiguration: [{ eventType: CREATED }] }))
        const { id } = (await c.read()).configuration.eventsConfiguration[0]
        await unchanged(async () => {
          const bad = update({
            destinationUrl: URL_B,
            secretKey: 'new',
            eventsConfiguration: [{ id, eventType: CREATED, name: 'renamed' }, { eventType: DELETED }, { eventType: DELETED, filter: '$[' }],
          })
          assertWebhookError(await c.put(bad), 400, /eventsConfiguration\.2\.filter/)
        })
      })

      it('does not call the destination when a config is written', async () => {
        await client('noprobe')
        let requests = 0
        const server = createServer((_request, response) => {
          requests += 1
          response.end()
        })
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
        try {
          const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
          await c.create(http({ destinationUrl: url, eventsConfiguration: [{ eventType: CREATED, destinationUrl: url }] }))
          assert.equal((await c.patch([{ op: 'UPSERT', path: '/configuration/http/destinationUrl', value: `${url}?again` }])).statusCode, 204)
          assert.equal(requests, 0)
        } finally {
          server.close()
        }
      })
    })

    describe('excluded fields and entry flags', () => {
      it('keeps null (inherit) apart from [] (exclude nothing) through create, read and PUT', async () => {
        await client('nullvsempty')
        await c.create(
          http({
            eventsConfiguration: [
              { eventType: CREATED },
              { eventType: CREATED, excludedFields: null },
              { eventType: CREATED, excludedFields: [] },
              { eventType: CREATED, excludedFields: ['metadata', 'metadata', 'tenant'] },
            ],
          }),
        )
        const read = await c.read()
        assert.deepEqual(read.configuration.eventsConfiguration.map((e: { excludedFields: unknown }) => e.excludedFields), [null, null, [], ['metadata', 'tenant']])
        assert.deepEqual((await c.row())?.configuration.eventsConfiguration.map((e: { excludedFields: unknown }) => e.excludedFields), [null, null, [], ['metadata', 'tenant']])
        const { code: _code, ...roundTrip } = read
        assert.equal((await c.put(roundTrip)).statusCode, 204)
        assert.deepEqual(await c.read(), read)
      })

      it('defaults entry active to true, keeps false, and always answers a boolean', async () => {
        await client('entryactive')
        await c.create(http({ eventsConfiguration: [{ eventType: CREATED }, { eventType: CREATED, active: false }, { eventType: CREATED, active: true }] }))
        assert.deepEqual((await c.read()).configuration.eventsConfiguration.map((e: { active: unknown }) => e.active), [true, false, true])
      })
    })

    describe('delete', () => {
      it('refuses to delete an active config without force=true, and deletes it with force', async () => {
        await client('delete')
        await c.create(http())
        const del = (query: string) => c.call({ method: 'DELETE', url: c.url(`/config/http${query}`) })
        for (const query of ['', '?force=false']) assertWebhookError(await del(query), 400, /is active: deactivate it first, or delete it with force=true/)
        assertWebhookError(await del('?force=yes'), 400)
        assert.ok(await c.row())
        const res = await del('?force=true')
        assert.equal(res.statusCode, 204)
        assert.equal(await c.row(), undefined)
        assert.equal((await del('')).statusCode, 204, 'deleting what is not there is done already')
        assert.equal((await c.call({ method: 'POST', url: c.url('/config'), payload: http() })).statusCode, 201, 'the code is free again')
      })

      it('deletes an inactive config without force', async () => {
        await client('delinactive')
        await c.create(http({}, { active: false }))
        assert.equal((await c.call({ method: 'DELETE', url: c.url('/config/http') })).statusCode, 204)
        assert.equal(await c.row(), undefined)
      })
    })

    describe('scopes and tenants', () => {
      const writes = (cl: WebhookClient) => [
        () => cl.call({ method: 'POST', url: cl.url('/config'), payload: http() }),
        () => cl.call({ method: 'PUT', url: cl.url('/config/http'), payload: update() }),
        () => cl.call({ method: 'PATCH', url: cl.url('/config/http'), payload: [{ op: 'UPSERT', path: '/active', value: false }] }),
        () => cl.call({ method: 'DELETE', url: cl.url('/config/http?force=true') }),
        () => cl.call({ method: 'GET', url: cl.url('/dashboard-access') }),
      ]
      const reads = (cl: WebhookClient) => [() => cl.call({ method: 'GET', url: cl.url('/config') }), () => cl.call({ method: 'GET', url: cl.url('/config/http') })]

      it('lets the read scope read but not write, and the manage scope write but not read', async () => {
        const owner = await client('scopes')
        await owner.create(http())
        const before = await owner.row()
        const reader = await webhookClient(t, owner.tenant, [SCOPES.webhookRead])
        for (const call of reads(reader)) assert.equal((await call()).statusCode, 200)
        for (const call of writes(reader)) {
          assertWebhookError(await call(), 403, 'The access to the requested resource has been forbidden by the server: the token lacks the scope webhook.subscription_manage.')
        }
        const manager = await webhookClient(t, owner.tenant, [SCOPES.webhookManage])
        for (const call of reads(manager)) assertWebhookError(await call(), 403)
        const segments = await webhookClient(t, owner.tenant, [SCOPES.segmentManage, SCOPES.segmentRead])
        for (const call of [...reads(segments), ...writes(segments)]) assertWebhookError(await call(), 403)
        assert.deepEqual(await owner.row(), before)
      })

      it('answers 401 without a token and 403 for another tenant', async () => {
        const owner = await client('tokens')
        await owner.create(http())
        const anonymous = { ...owner, call: (options: Parameters<WebhookClient['call']>[0]) => owner.call({ ...options, token: null }) }
        for (const call of [...reads(anonymous), ...writes(anonymous)]) assertWebhookError(await call(), 401)
        const stranger = await webhookClient(t, 'othertenant')
        const foreign = { ...stranger, url: owner.url }
        for (const call of [...reads(foreign), ...writes(foreign)]) assertWebhookError(await call(), 403)
      })
    })

    describe('error shape', () => {
      it('answers malformed JSON, wrong content types and schema errors in the webhook error shape', async () => {
        await client('shape')
        assertWebhookError(await c.call({ method: 'POST', url: c.url('/config'), payload: '{', headers: { 'content-type': 'application/json' } }), 400, /^Malformed JSON body/)
        assertWebhookError(await c.call({ method: 'POST', url: c.url('/config'), payload: 'code=http', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415)
        const body = assertWebhookError(await post(http({}, { active: 'yes' })), 400, "Validation problem with request body: 'active' must be boolean.")
        assert.deepEqual(body.details, ["active: 'active' must be boolean"])
      })
    })

    describe('OpenAPI', () => {
      it('documents the config and subscription routes with their schemas, tags and error shape', async () => {
        const doc = (await t.call({ method: 'GET', url: '/openapi.json', token: null })).json()
        // Shared shapes are named components: follow the reference.
        const resolve = (schema: { $ref?: string }) => (schema.$ref ? doc.components.schemas[schema.$ref.split('/').at(-1) as string] : schema)
        const config = doc.paths['/webhook/{tenant}/config']
        assert.deepEqual(config.post.tags, ['Webhook configuration'])
        const created = resolve(config.post.requestBody.content['application/json'].schema)
        assert.ok(created.properties.configuration.properties.eventsConfiguration, 'the create body shows the HTTP configuration')
        assert.equal(resolve(config.post.responses['400'].content['application/json'].schema).properties.details.type, 'array')
        const one = doc.paths['/webhook/{tenant}/config/{code}']
        for (const method of ['get', 'put', 'patch', 'delete']) assert.deepEqual(one[method].tags, ['Webhook configuration'], method)
        const [httpShape, sharedShape] = resolve(one.get.responses['200'].content['application/json'].schema).properties.configuration.anyOf
        assert.ok(httpShape.properties.secretKeyExists, 'an HTTP configuration shows whether it has a secret')
        assert.deepEqual(sharedShape.properties, {}, 'an SVIX_SHARED configuration is empty')
        const subscriptions = doc.paths['/webhook/{tenant}/event-subscriptions']
        assert.deepEqual(subscriptions.get.tags, ['Event subscriptions'])
        assert.ok(subscriptions.patch.responses['207'])
        assert.ok(doc.paths['/webhook/{tenant}/dashboard-access'].get)
      })
    })

    describe('routing reads what the API stores', () => {
      it('routes by entry, filter and activity, and resolves URL, secret, headers and excluded fields per entry', async () => {
        await client('routing')
        await c.create(
          http({
            secretKey: 'root-secret',
            headers: { 'X-Root': { value: 'r' } },
            eventsConfiguration: [
              { eventType: CREATED.toUpperCase(), destinationUrl: URL_B, filter: "$[?(@.status == 'ACTIVE')]", excludedFields: [] },
              { eventType: CREATED, secretKey: 'entry-secret', headers: { 'X-Entry': { value: 'e' } } },
              { eventType: CREATED, active: false },
            ],
          }),
        )
        const subscribe = await c.call({
          method: 'PATCH',
          url: c.url('/event-subscriptions'),
          payload: [{ eventType: CREATED, action: 'SUBSCRIBE', fieldsToUnsubscribe: ['metadata'] }],
        })
        assert.equal(subscribe.json()[0].code, 200)
        const [filtered, plain] = (await c.read()).configuration.eventsConfiguration
        const routing = (await loadRouting(t.database.db, [c.tenant])).get(c.tenant)
        const routes = (status: string) => routeEvent(routing, { type: CREATED, payload: { id: 's', status } }).routes.map((route) => route.targetId)
        assert.deepEqual(routes('ACTIVE'), [filtered.id, plain.id])
        assert.deepEqual(routes('INACTIVE'), [plain.id])
        assert.deepEqual(resolveTarget(routing, { configCode: 'http', targetId: filtered.id }, CREATED), {
          url: URL_B,
          secretKey: 'root-secret',
          headers: { 'X-Root': { value: 'r' } },
          excludedFields: [],
        })
        assert.deepEqual(resolveTarget(routing, { configCode: 'http', targetId: plain.id }, CREATED), {
          url: URL_A,
          secretKey: 'entry-secret',
          headers: { 'X-Entry': { value: 'e' } },
          excludedFields: ['metadata'],
        })
      })
    })
  })
}
