/**
 * Segments, one at a time: create, read, upsert (PUT), patch (RFC 6902) and delete, with the contract
 * examples, ids, defaults, optimistic locking, no-ops, 404s, localized input and validity rules.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import {
  assertError,
  countAssignments,
  EXAMPLES,
  example,
  freshTenant,
  insertCustomerAssignment,
  insertItemAssignment,
  ISO_MS,
  MESSAGES,
  snapshot,
  type TenantClient,
  tenantClient,
} from './support/segment-helpers.js'

const minimal = (extra: Record<string, unknown> = {}) => ({ name: { en: 'Segment' }, siteCode: 'main', ...extra })

for (const engine of ENGINES) {
  describe(`segments CRUD on ${engine}`, () => {
    let t: TestApp
    let c: TenantClient
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    const client = async (prefix: string) => {
      c = await tenantClient(t, freshTenant(prefix))
      return c
    }
    const path = (id: string) => c.url(`/${encodeURIComponent(id)}`)

    describe('create and read', () => {
      it('creates the SegmentCreation example: 201 {id} with the given id, and reads it back as SegmentResponse', async () => {
        await client('create')
        const res = await c.call({ method: 'POST', url: c.url(), payload: EXAMPLES.SegmentCreation })
        assert.equal(res.statusCode, 201)
        assert.deepEqual(res.json(), { id: '628cd20c6e8b2432b6346ca6' })

        const read = await c.get('628cd20c6e8b2432b6346ca6')
        const { metadata, ...content } = read
        assert.deepEqual(content, EXAMPLES.SegmentCreation)
        assert.deepEqual(Object.keys(metadata).sort(), ['createdAt', 'modifiedAt', 'version'])
        assert.equal(metadata.version, 1)
        assert.match(metadata.createdAt, ISO_MS)
        assert.equal(metadata.modifiedAt, metadata.createdAt)
        assert.ok(Math.abs(Date.parse(metadata.createdAt) - Date.now()) < 60_000)
      })

      it('generates lowercase 24-hex ids, a new one per segment', async () => {
        await client('genid')
        const a = await c.create(minimal())
        const b = await c.create(minimal())
        assert.match(a, /^[0-9a-f]{24}$/)
        assert.match(b, /^[0-9a-f]{24}$/)
        assert.notEqual(a, b)
      })

      it('defaults status to INACTIVE and leaves unset optional fields out of the response', async () => {
        await client('defaults')
        const id = await c.create(minimal())
        const read = await c.get(id)
        assert.deepEqual(Object.keys(read).sort(), ['id', 'metadata', 'name', 'siteCode', 'status'])
        assert.equal(read.status, 'INACTIVE')
        assert.equal(read.metadata.version, 1)
      })

      it('keeps client ids exactly, case-sensitive, including non-ASCII and punctuation', async () => {
        await client('ids')
        await c.create(minimal({ id: 'Gold-Segment' }))
        assertError(await c.call({ method: 'GET', url: path('gold-segment') }), 404, MESSAGES.notFound('gold-segment'))
        assert.equal((await c.get('Gold-Segment')).id, 'Gold-Segment')
        // Another case is another id.
        assert.equal(await c.create(minimal({ id: 'gold-segment', name: { en: 'lower' } })), 'gold-segment')
        assert.deepEqual((await c.get('Gold-Segment')).name, { en: 'Segment' })

        for (const id of ['Ségment.ü_1~x', 'a:b;c@d', '段-1', 'x'.repeat(255)]) {
          assert.equal(await c.create(minimal({ id })), id)
          assert.equal((await c.get(id)).id, id)
        }
      })

      it('refuses ids that cannot be one path segment, or are too long', async () => {
        await client('badids')
        for (const id of ['a/b', 'a b', 'a?b', 'a#b', '100%', '', 'x'.repeat(256), 'tab\there']) {
          assertError(await c.call({ method: 'POST', url: c.url(), payload: minimal({ id }) }), 400)
        }
        assert.equal((await snapshot(t, c.tenant)).segments.length, 0)
      })

      it('answers a duplicate create with 409 "already exists" and leaves the stored segment as it was', async () => {
        await client('dup')
        await c.create(minimal({ id: 'dup', name: { en: 'First' } }))
        const res = await c.call({ method: 'POST', url: c.url(), payload: minimal({ id: 'dup', name: { en: 'Second' } }) })
        assertError(res, 409, MESSAGES.exists)
        const read = await c.get('dup')
        assert.deepEqual(read.name, { en: 'First' })
        assert.equal(read.metadata.version, 1)
      })

      it('answers 404 in the error format for a missing segment', async () => {
        await client('missing')
        const body = assertError(await c.call({ method: 'GET', url: path('628cd20c6e8b2432b6346ca6') }), 404)
        assert.equal(body.message, 'The resource with id 628cd20c6e8b2432b6346ca6 has not been found.')
      })

      it('keeps mixins and metadata.mixins as sent', async () => {
        await client('mixins')
        const mixins = { segmentAttributes: { membershipStatus: 'PREMIUM', level: 3, tags: ['a', 'b'], nested: { x: null } } }
        const metadataMixins = { segmentAttributes: 'https://example.com/schemas/segmentAttributes.json' }
        const id = await c.create(minimal({ mixins, metadata: { mixins: metadataMixins } }))
        const read = await c.get(id)
        assert.deepEqual(read.mixins, mixins)
        assert.deepEqual(read.metadata.mixins, metadataMixins)
      })

      it('refuses a segment without name or siteCode, with an empty name map, a bad language key or an unknown status', async () => {
        await client('required')
        const bad = [
          { siteCode: 'main' },
          { name: { en: 'x' } },
          { name: {}, siteCode: 'main' },
          { name: { 'not a language': 'x' }, siteCode: 'main' },
          { name: { en: 42 }, siteCode: 'main' },
          { name: { en: 'x' }, siteCode: '' },
          { name: { en: 'x' }, siteCode: 'main', status: 'active' },
          { name: { en: 'x' }, siteCode: 'main', status: 'DRAFT' },
          { name: { en: 'x' }, siteCode: 'main', description: {} },
          { name: { en: 'x' }, siteCode: 'main', metadata: { version: 1 } },
        ]
        for (const payload of bad) {
          const body = assertError(await c.call({ method: 'POST', url: c.url(), payload }), 400)
          assert.ok(body.message.length > 0, JSON.stringify(payload))
        }
        assert.equal((await snapshot(t, c.tenant)).segments.length, 0)
      })
    })

    describe('validity', () => {
      it('stores dates in UTC with milliseconds, whatever offset they were sent with', async () => {
        await client('validity')
        const id = await c.create(minimal({ validity: { from: '2024-04-17T10:00:00+02:00', to: '2025-04-17T08:00:00Z' } }))
        assert.deepEqual((await c.get(id)).validity, { from: '2024-04-17T08:00:00.000Z', to: '2025-04-17T08:00:00.000Z' })
      })

      it('takes an open bound on either side', async () => {
        await client('openbound')
        const onlyFrom = await c.create(minimal({ validity: { from: '2024-01-01T00:00:00Z' } }))
        const onlyTo = await c.create(minimal({ validity: { to: '2030-01-01T00:00:00Z' } }))
        const empty = await c.create(minimal({ validity: {} }))
        assert.deepEqual((await c.get(onlyFrom)).validity, { from: '2024-01-01T00:00:00.000Z' })
        assert.deepEqual((await c.get(onlyTo)).validity, { to: '2030-01-01T00:00:00.000Z' })
        assert.equal((await c.get(empty)).validity, undefined)
      })

      it('refuses from >= to, non-dates, unknown keys and instants the store cannot keep', async () => {
        await client('badvalid')
        const bad = [
          { from: '2025-01-01T00:00:00Z', to: '2024-01-01T00:00:00Z' },
          { from: '2025-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' },
          // Same instant, written in two offsets.
          { from: '2025-01-01T02:00:00+02:00', to: '2025-01-01T00:00:00Z' },
          { from: 'tomorrow' },
          { from: '2024-04-17' },
          { from: '2024-04-17T08:00:00' },
          { from: 20240417 },
          { from: '2024-01-01T00:00:00Z', until: '2025-01-01T00:00:00Z' },
          { from: '2024-06-30T23:59:60Z' },
          { from: '0000-01-01T00:00:00Z' },
          { to: '9999-12-31T23:59:59-23:59' },
        ]
        for (const validity of bad) {
          const res = await c.call({ method: 'POST', url: c.url(), payload: minimal({ validity }) })
          assertError(res, 400)
        }
        assert.equal((await snapshot(t, c.tenant)).segments.length, 0)
      })

      it('keeps the widest storable range', async () => {
        await client('range')
        const id = await c.create(minimal({ validity: { from: '0001-01-01T00:00:00Z', to: '9999-12-31T23:59:59.999Z' } }))
        assert.deepEqual((await c.get(id)).validity, { from: '0001-01-01T00:00:00.000Z', to: '9999-12-31T23:59:59.999Z' })
      })
    })

    describe('localized input (Content-Language)', () => {
      it('takes plain strings for the Content-Language language and stores maps', async () => {
        await client('langpost')
        const id = await c.create({ name: 'Goldkunden', description: 'Beste Kunden', siteCode: 'main' }, { 'content-language': 'de' })
        const read = await c.get(id)
        assert.deepEqual(read.name, { de: 'Goldkunden' })
        assert.deepEqual(read.description, { de: 'Beste Kunden' })
      })

      it('merges plain strings into the stored maps on PUT, and replaces with maps under "*"', async () => {
        await client('langput')
        await c.create({ id: 's', name: { en: 'Gold', fr: 'Or' }, description: { en: 'Best' }, siteCode: 'main' })
        let res = await c.call({
          method: 'PUT',
          url: path('s'),
          payload: { name: 'Gold (DE)', description: 'Beste', siteCode: 'main' },
          headers: { 'content-language': 'de' },
        })
        assert.equal(res.statusCode, 204)
        let read = await c.get('s')
        assert.deepEqual(read.name, { en: 'Gold', fr: 'Or', de: 'Gold (DE)' })
        assert.deepEqual(read.description, { en: 'Best', de: 'Beste' })

        // A string for a language already there replaces that entry only.
        res = await c.call({ method: 'PUT', url: path('s'), payload: { name: 'Golden', siteCode: 'main' }, headers: { 'content-language': 'en' } })
        assert.equal(res.statusCode, 204)
        read = await c.get('s')
        assert.deepEqual(read.name, { en: 'Golden', fr: 'Or', de: 'Gold (DE)' })
        assert.equal(read.description, undefined, 'PUT replaces: an omitted description is removed')

        res = await c.call({ method: 'PUT', url: path('s'), payload: { name: { it: 'Oro' }, siteCode: 'main' }, headers: { 'content-language': '*' } })
        assert.equal(res.statusCode, 204)
        assert.deepEqual((await c.get('s')).name, { it: 'Oro' })
      })

      it('refuses a plain string without a specific Content-Language, and a malformed tag', async () => {
        await client('langbad')
        for (const headers of [{}, { 'content-language': '*' }, { 'content-language': 'not a tag' }, { 'content-language': 'en,de' }]) {
          const res = await c.call({ method: 'POST', url: c.url(), payload: { name: 'Plain', siteCode: 'main' }, headers })
          assertError(res, 400)
        }
        const res = await c.call({ method: 'POST', url: c.url(), payload: { name: { en: 'x' }, siteCode: 'main' }, headers: { 'content-language': 'bad tag!' } })
        assertError(res, 400)
        assert.equal((await snapshot(t, c.tenant)).segments.length, 0)
      })
    })

    describe('PUT (upsert)', () => {
      it('creates with the SegmentUpdate example: 201 {id}, version 1; the same body again is a 204 no-op', async () => {
        await client('putnew')
        const id = '628cd20c6e8b2432b6346ca6'
        const res = await c.call({ method: 'PUT', url: path(id), payload: EXAMPLES.SegmentUpdate })
        assert.equal(res.statusCode, 201)
        assert.deepEqual(res.json(), { id })
        const created = await c.get(id)
        const { metadata: _m, ...expected } = example(EXAMPLES.SegmentUpdate)
        const { metadata, ...content } = created
        assert.deepEqual(content, { id, ...expected })
        assert.equal(metadata.version, 1)

        const again = await c.call({ method: 'PUT', url: path(id), payload: EXAMPLES.SegmentUpdate })
        assert.equal(again.statusCode, 204)
        assert.equal(again.body, '')
        assert.deepEqual(await c.get(id), created, 'a no-op changes neither version nor modifiedAt')
      })

      it('updates: 204, version +1, createdAt kept, modifiedAt moves', async () => {
        await client('putupd')
        const id = await c.create(EXAMPLES.SegmentCreation)
        const before = await c.get(id)
        await new Promise((resolve) => setTimeout(resolve, 5))
        const res = await c.call({ method: 'PUT', url: path(id), payload: { ...example(EXAMPLES.SegmentUpdate), name: { en: 'Renamed' } } })
        assert.equal(res.statusCode, 204)
        assert.equal(res.body, '')
        const after = await c.get(id)
        assert.deepEqual(after.name, { en: 'Renamed' })
        assert.equal(after.metadata.version, 2)
        assert.equal(after.metadata.createdAt, before.metadata.createdAt)
        assert.ok(Date.parse(after.metadata.modifiedAt) > Date.parse(before.metadata.modifiedAt))
      })

      it('answers a stale metadata.version with 409 and changes nothing; no version means no check', async () => {
        await client('putlock')
        const id = await c.create(minimal())
        assert.equal((await c.call({ method: 'PUT', url: path(id), payload: minimal({ status: 'ACTIVE', metadata: { version: 1 } }) })).statusCode, 204)
        const stale = await c.call({ method: 'PUT', url: path(id), payload: minimal({ status: 'INACTIVE', metadata: { version: 1 } }) })
        assertError(stale, 409, MESSAGES.changed)
        // Stale is stale even when the content would not change anything.
        assertError(await c.call({ method: 'PUT', url: path(id), payload: minimal({ status: 'ACTIVE', metadata: { version: 1 } }) }), 409, MESSAGES.changed)
        // A version from the future is just as wrong.
        assertError(await c.call({ method: 'PUT', url: path(id), payload: minimal({ metadata: { version: 3 } }) }), 409, MESSAGES.changed)
        let read = await c.get(id)
        assert.equal(read.status, 'ACTIVE')
        assert.equal(read.metadata.version, 2)

        assert.equal((await c.call({ method: 'PUT', url: path(id), payload: minimal({ status: 'INACTIVE' }) })).statusCode, 204)
        read = await c.get(id)
        assert.equal(read.status, 'INACTIVE')
        assert.equal(read.metadata.version, 3)
      })

      it('replaces the whole content: omitted optional fields are removed and status falls back to INACTIVE', async () => {
        await client('putrepl')
        const id = await c.create({ ...example(EXAMPLES.SegmentCreation), id: undefined, mixins: { a: { b: 1 } }, metadata: { mixins: { a: 'https://x/a.json' } } })
        assert.equal((await c.call({ method: 'PUT', url: path(id), payload: minimal() })).statusCode, 204)
        const read = await c.get(id)
        assert.deepEqual(Object.keys(read).sort(), ['id', 'metadata', 'name', 'siteCode', 'status'])
        assert.equal(read.status, 'INACTIVE')
        assert.equal(read.metadata.mixins, undefined)
        assert.equal(read.metadata.version, 2)
      })

      it('treats the same content in another spelling as a no-op (date offsets, key order)', async () => {
        await client('putsame')
        const id = await c.create(minimal({ validity: { from: '2024-04-17T08:00:00.000Z' }, mixins: { m: { a: 1, b: 2 } } }))
        const res = await c.call({
          method: 'PUT',
          url: path(id),
          payload: { mixins: { m: { b: 2, a: 1 } }, siteCode: 'main', validity: { from: '2024-04-17T10:00:00+02:00' }, name: { en: 'Segment' }, status: 'INACTIVE' },
        })
        assert.equal(res.statusCode, 204)
        assert.equal((await c.get(id)).metadata.version, 1)
      })

      it('accepts the path id in the body, and refuses a different one', async () => {
        await client('putid')
        const id = await c.create(minimal())
        assert.equal((await c.call({ method: 'PUT', url: path(id), payload: minimal({ id, status: 'ACTIVE' }) })).statusCode, 204)
        const res = await c.call({ method: 'PUT', url: path(id), payload: minimal({ id: 'other', status: 'INACTIVE' }) })
        assertError(res, 400)
        const missing = await c.call({ method: 'PUT', url: path('new-one'), payload: minimal({ id: 'other' }) })
        assertError(missing, 400)
        assert.equal((await c.get(id)).status, 'ACTIVE')
        assertError(await c.call({ method: 'GET', url: path('new-one') }), 404)
        assertError(await c.call({ method: 'GET', url: path('other') }), 404)
      })

      it('refuses unknown metadata, dates that are not dates and a non-integer version', async () => {
        await client('putmeta')
        const id = await c.create(minimal())
        for (const metadata of [{ createdAt: 'yesterday' }, { modifiedAt: 5 }, { foo: 1 }, { version: '1' }, { version: 0 }, { version: 1.5 }]) {
          assertError(await c.call({ method: 'PUT', url: path(id), payload: minimal({ status: 'ACTIVE', metadata }) }), 400)
        }
        assert.equal((await c.get(id)).metadata.version, 1)
      })
    })

    describe('PATCH (RFC 6902)', () => {
      const patch = (id: string, payload: unknown, headers?: Record<string, string>) => c.call({ method: 'PATCH', url: path(id), payload: payload as object, headers })

      it('applies the four contract examples, each 204 and one version up', async () => {
        await client('patchex')
        const id = await c.create({
          ...example(EXAMPLES.SegmentCreation),
          mixins: { productCustomAttributes: { pricingMeasurePrice: 10, unit: 'kg' } },
        })

        let res = await patch(id, EXAMPLES.PatchStatus)
        assert.equal(res.statusCode, 204)
        assert.equal(res.body, '')
        let read = await c.get(id)
        assert.equal(read.status, 'INACTIVE')
        assert.equal(read.metadata.version, 2)

        res = await patch(id, EXAMPLES.PatchName)
        assert.equal(res.statusCode, 204)
        read = await c.get(id)
        assert.deepEqual(read.name, { en: 'New name' })
        assert.equal(read.metadata.version, 3)

        res = await patch(id, EXAMPLES.PatchRemoveDescription)
        assert.equal(res.statusCode, 204)
        read = await c.get(id)
        assert.equal('description' in read, false)
        assert.equal(read.metadata.version, 4)

        res = await patch(id, EXAMPLES.PatchMixins)
        assert.equal(res.statusCode, 204)
        read = await c.get(id)
        assert.deepEqual(read.mixins, { productCustomAttributes: { pricingMeasurePrice: 15, unit: 'kg' } })
        assert.equal(read.metadata.version, 5)
        // Everything else is untouched.
        assert.deepEqual(read.validity, EXAMPLES.SegmentCreation.validity)
        assert.equal(read.siteCode, 'main')
      })

      it('refuses the mixins example on a segment without that mixin (400, unchanged)', async () => {
        await client('patchmx')
        const id = await c.create(minimal())
        assertError(await patch(id, EXAMPLES.PatchMixins), 400)
        const read = await c.get(id)
        assert.equal(read.mixins, undefined)
        assert.equal(read.metadata.version, 1)
      })

      it('accepts application/json-patch+json', async () => {
        await client('patchct')
        const id = await c.create(minimal())
        const res = await c.call({
          method: 'PATCH',
          url: path(id),
          payload: JSON.stringify([{ op: 'add', path: '/status', value: 'ACTIVE' }]),
          headers: { 'content-type': 'application/json-patch+json' },
        })
        assert.equal(res.statusCode, 204)
        assert.equal((await c.get(id)).status, 'ACTIVE')
      })

      it('supports add, remove, replace, move, copy and test', async () => {
        await client('patchops')
        const id = await c.create(minimal({ mixins: { a: { x: 1 } } }))
        const res = await patch(id, [
          { op: 'add', path: '/description', value: { en: 'Desc' } },
          { op: 'add', path: '/mixins/a/y', value: 2 },
          { op: 'copy', from: '/mixins/a/x', path: '/mixins/a/z' },
          { op: 'move', from: '/mixins/a/y', path: '/mixins/a/w' },
          { op: 'remove', path: '/mixins/a/x' },
          { op: 'test', path: '/mixins/a/z', value: 1 },
          { op: 'add', path: '/validity', value: { from: '2024-01-01T00:00:00Z' } },
          { op: 'add', path: '/metadata/mixins', value: { a: 'https://x/a.json' } },
        ])
        assert.equal(res.statusCode, 204, res.body)
        const read = await c.get(id)
        assert.deepEqual(read.description, { en: 'Desc' })
        assert.deepEqual(read.mixins, { a: { z: 1, w: 2 } })
        assert.deepEqual(read.validity, { from: '2024-01-01T00:00:00.000Z' })
        assert.deepEqual(read.metadata.mixins, { a: 'https://x/a.json' })
        assert.equal(read.metadata.version, 2, 'one PATCH is one change, however many operations')
      })

      it('refuses read-only paths with 400 and changes nothing', async () => {
        await client('patchro')
        const id = await c.create(minimal())
        const before = await c.get(id)
        const refused = [
          [{ op: 'replace', path: '/id', value: 'other' }],
          [{ op: 'remove', path: '/id' }],
          [{ op: 'replace', path: '/metadata/createdAt', value: '2020-01-01T00:00:00.000Z' }],
          [{ op: 'replace', path: '/metadata/modifiedAt', value: '2020-01-01T00:00:00.000Z' }],
          [{ op: 'replace', path: '/metadata/version', value: 7 }],
          [{ op: 'remove', path: '/metadata/version' }],
          [{ op: 'replace', path: '/metadata', value: { version: 9 } }],
          [{ op: 'remove', path: '/metadata' }],
          [{ op: 'move', from: '/id', path: '/mixins' }],
          [{ op: 'replace', path: '', value: {} }],
          [{ op: 'replace', path: '/status', value: 'ACTIVE' }, { op: 'replace', path: '/metadata/version', value: 1 }],
        ]
        for (const ops of refused) assertError(await patch(id, ops), 400)
        assert.deepEqual(await c.get(id), before)
      })

      it('uses test on /metadata/version as the lock: 409 when stale, applied when current', async () => {
        await client('patchlock')
        const id = await c.create(minimal())
        const ok = await patch(id, [{ op: 'test', path: '/metadata/version', value: 1 }, { op: 'replace', path: '/status', value: 'ACTIVE' }])
        assert.equal(ok.statusCode, 204)
        const stale = await patch(id, [{ op: 'test', path: '/metadata/version', value: 1 }, { op: 'replace', path: '/status', value: 'INACTIVE' }])
        assertError(stale, 409, MESSAGES.changed)
        const read = await c.get(id)
        assert.equal(read.status, 'ACTIVE')
        assert.equal(read.metadata.version, 2)
      })

      it('is atomic: one failing operation leaves the segment untouched', async () => {
        await client('patchatom')
        const id = await c.create(minimal({ mixins: { a: { x: 1 } } }))
        const before = await c.get(id)
        const failing = [
          [{ op: 'replace', path: '/status', value: 'ACTIVE' }, { op: 'replace', path: '/nothing/here', value: 1 }],
          [{ op: 'replace', path: '/status', value: 'ACTIVE' }, { op: 'test', path: '/mixins/a/x', value: 2 }],
          [{ op: 'replace', path: '/status', value: 'ACTIVE' }, { op: 'add', path: '/unknownField', value: 1 }],
          [{ op: 'replace', path: '/status', value: 'ACTIVE' }, { op: 'remove', path: '/name' }],
          [{ op: 'replace', path: '/status', value: 'ACTIVE' }, { op: 'replace', path: '/siteCode', value: 5 }],
          [{ op: 'add', path: '/mixins/a/y', value: 2 }, { op: 'replace', path: '/status', value: 'BOGUS' }],
          [{ op: 'add', path: '/validity', value: { from: '2025-01-01T00:00:00Z', to: '2024-01-01T00:00:00Z' } }],
          [{ op: 'add', path: '/metadata/foo', value: 1 }],
        ]
        for (const ops of failing) assertError(await patch(id, ops), 400)
        assert.deepEqual(await c.get(id), before)
      })

      it('treats a patch that changes nothing as a no-op: 204, same version', async () => {
        await client('patchnoop')
        const id = await c.create(minimal())
        const before = await c.get(id)
        const res = await patch(id, [{ op: 'replace', path: '/status', value: 'INACTIVE' }])
        assert.equal(res.statusCode, 204)
        const test = await patch(id, [{ op: 'test', path: '/siteCode', value: 'main' }])
        assert.equal(test.statusCode, 204)
        assert.deepEqual(await c.get(id), before)
      })

      it('merges a plain localized string under Content-Language, and refuses it without one', async () => {
        await client('patchlang')
        const id = await c.create(minimal({ name: { en: 'Gold' } }))
        const res = await patch(id, [{ op: 'replace', path: '/name', value: 'Gold (DE)' }, { op: 'add', path: '/description', value: 'Beste' }], { 'content-language': 'de' })
        assert.equal(res.statusCode, 204)
        const read = await c.get(id)
        assert.deepEqual(read.name, { en: 'Gold', de: 'Gold (DE)' })
        assert.deepEqual(read.description, { de: 'Beste' })
        assertError(await patch(id, [{ op: 'replace', path: '/name', value: 'Plain' }]), 400)
        assert.deepEqual((await c.get(id)).name, { en: 'Gold', de: 'Gold (DE)' })
      })

      it('answers 404 for a missing segment, and 400 for a body that is not a non-empty operation list', async () => {
        await client('patchbad')
        assertError(await patch('missing', EXAMPLES.PatchStatus), 404, MESSAGES.notFound('missing'))
        const id = await c.create(minimal())
        const bodies = [
          [],
          { op: 'replace', path: '/status', value: 'ACTIVE' },
          [{ op: 'merge', path: '/status', value: 'ACTIVE' }],
          [{ path: '/status', value: 'ACTIVE' }],
          [{ op: 'replace', value: 'ACTIVE' }],
          [{ op: 'replace', path: 'status', value: 'ACTIVE' }],
          [{ op: 'add', path: '/status' }],
          [{ op: 'replace', path: '/status', value: 'ACTIVE', extra: true }],
          [{ op: 'add', path: '/mixins/__proto__/x', value: 1 }],
          [{ op: 'add', path: '/mixins/constructor/prototype/x', value: 1 }],
        ]
        for (const body of bodies) assertError(await patch(id, body), 400)
        assert.equal((await c.get(id)).metadata.version, 1)
      })

      it('refuses a patch that would nest mixins deeper than a body may be', async () => {
        await client('patchdeep')
        const mixins = { a: { b: { c: { d: { e: {} } } } } }
        const id = await c.create(minimal({ mixins }))
        // 60 levels fit in the request body, but not 6 levels further down in the document.
        let value: unknown = 1
        for (let i = 0; i < 60; i++) value = { v: value }
        assertError(await patch(id, [{ op: 'add', path: '/mixins/a/b/c/d/e/v', value }]), 400)
        assert.deepEqual((await c.get(id)).mixins, mixins)
        assert.equal((await patch(id, [{ op: 'add', path: '/mixins/v', value }])).statusCode, 204)
      })
    })

    describe('delete', () => {
      it('deletes (204, empty body) and answers 204 again for the now missing segment', async () => {
        await client('del')
        const id = await c.create(minimal())
        const res = await c.call({ method: 'DELETE', url: path(id) })
        assert.equal(res.statusCode, 204)
        assert.equal(res.body, '')
        assertError(await c.call({ method: 'GET', url: path(id) }), 404)
        assert.equal((await c.call({ method: 'DELETE', url: path(id) })).statusCode, 204)
        assert.equal((await c.call({ method: 'DELETE', url: path('never-existed') })).statusCode, 204)
      })

      it('frees the id: a re-created segment starts again at version 1', async () => {
        await client('delre')
        await c.create(minimal({ id: 'again' }))
        await c.call({ method: 'PATCH', url: path('again'), payload: EXAMPLES.PatchName })
        assert.equal((await c.call({ method: 'DELETE', url: path('again') })).statusCode, 204)
        await c.create(minimal({ id: 'again', name: { en: 'Second life' } }))
        const read = await c.get('again')
        assert.equal(read.metadata.version, 1)
        assert.deepEqual(read.name, { en: 'Second life' })
      })

      it('refuses a segment with assignments without forceDelete=true (400) and deletes nothing', async () => {
        await client('delassign')
        const id = await c.create(minimal())
        await insertCustomerAssignment(t, c.tenant, id, 'c1')
        await insertItemAssignment(t, c.tenant, id, 'PRODUCT', 'p1')
        for (const query of ['', '?forceDelete=false']) {
          const body = assertError(await c.call({ method: 'DELETE', url: `${path(id)}${query}` }), 400)
          assert.match(body.message, /forceDelete/)
        }
        assert.equal((await c.get(id)).id, id)
        assert.equal(await countAssignments(t, c.tenant, id), 2)
      })

      it('refuses a segment with only an item assignment too', async () => {
        await client('delitem')
        const id = await c.create(minimal())
        await insertItemAssignment(t, c.tenant, id, 'CATEGORY', 'cat1')
        assertError(await c.call({ method: 'DELETE', url: path(id) }), 400)
        assert.equal(await countAssignments(t, c.tenant, id), 1)
      })

      it('deletes the segment and all its assignments with forceDelete=true, and nothing of other segments', async () => {
        await client('delforce')
        const id = await c.create(minimal())
        const other = await c.create(minimal())
        await insertCustomerAssignment(t, c.tenant, id, 'c1')
        await insertCustomerAssignment(t, c.tenant, id, 'c2', 'le1')
        await insertItemAssignment(t, c.tenant, id, 'PRODUCT', 'p1')
        await insertItemAssignment(t, c.tenant, id, 'CATEGORY', 'cat1')
        await insertCustomerAssignment(t, c.tenant, other, 'c1')
        const res = await c.call({ method: 'DELETE', url: `${path(id)}?forceDelete=true` })
        assert.equal(res.statusCode, 204)
        assertError(await c.call({ method: 'GET', url: path(id) }), 404)
        assert.equal(await countAssignments(t, c.tenant, id), 0)
        assert.equal(await countAssignments(t, c.tenant, other), 1)
      })

      it('deletes a segment without assignments whatever forceDelete says', async () => {
        await client('delplain')
        for (const query of ['?forceDelete=true', '?forceDelete=false']) {
          const id = await c.create(minimal())
          assert.equal((await c.call({ method: 'DELETE', url: `${path(id)}${query}` })).statusCode, 204)
          assertError(await c.call({ method: 'GET', url: path(id) }), 404)
        }
      })

      it('refuses a forceDelete that is not a boolean', async () => {
        await client('delbool')
        const id = await c.create(minimal())
        for (const value of ['yes', '1', 'TRUE ', '']) {
          assertError(await c.call({ method: 'DELETE', url: `${path(id)}?forceDelete=${encodeURIComponent(value)}` }), 400)
        }
        assert.equal((await c.get(id)).id, id)
      })
    })

    describe('versions', () => {
      it('goes up by exactly one per change, whichever way the change is made', async () => {
        await client('versions')
        const id = await c.create(minimal())
        const steps: [string, unknown][] = [
          ['PUT', minimal({ status: 'ACTIVE' })],
          ['PATCH', [{ op: 'replace', path: '/siteCode', value: 'outlet' }]],
          ['PUT', minimal({ siteCode: 'outlet', status: 'ACTIVE', mixins: { m: { v: 1 } } })],
          ['PATCH', [{ op: 'replace', path: '/mixins/m/v', value: 2 }]],
        ]
        for (const [index, [method, payload]] of steps.entries()) {
          const res = await c.call({ method: method as 'PUT', url: path(id), payload: payload as object })
          assert.equal(res.statusCode, 204, res.body)
          assert.equal((await c.get(id)).metadata.version, index + 2)
        }
      })
    })

    describe('tenants', () => {
      it('keeps tenants apart: same id in two tenants, each sees only its own', async () => {
        const a = await tenantClient(t, freshTenant('tena'))
        const b = await tenantClient(t, freshTenant('tenb'))
        await a.create(minimal({ id: 'shared', name: { en: 'A' } }))
        assertError(await b.call({ method: 'GET', url: b.url('/shared') }), 404)
        assert.equal((await b.call({ method: 'PUT', url: b.url('/shared'), payload: minimal({ name: { en: 'B' } }) })).statusCode, 201)
        assert.deepEqual((await a.get('shared')).name, { en: 'A' })
        assert.deepEqual((await b.get('shared')).name, { en: 'B' })
        assert.equal((await b.call({ method: 'DELETE', url: b.url('/shared') })).statusCode, 204)
        assert.deepEqual((await a.get('shared')).name, { en: 'A' })
      })
    })

    describe('concurrency', () => {
      it('lets exactly one of several creates of one id win; the others get 409', async () => {
        await client('raceadd')
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => c.call({ method: 'POST', url: c.url(), payload: minimal({ id: 'race', name: { en: `n${i}` } }) })),
        )
        const codes = results.map((r) => r.statusCode).sort()
        assert.deepEqual(codes, [201, 409, 409, 409, 409, 409])
        assert.equal((await c.get('race')).metadata.version, 1)
      })

      it('turns concurrent upserts of a new id into one create and updates', async () => {
        await client('raceput')
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => c.call({ method: 'PUT', url: path('race'), payload: minimal({ name: { en: `n${i}` } }) })),
        )
        const codes = results.map((r) => r.statusCode)
        assert.equal(codes.filter((code) => code === 201).length, 1, codes.join())
        assert.equal(codes.filter((code) => code === 204).length, 5, codes.join())
        const read = await c.get('race')
        assert.ok(read.metadata.version >= 1 && read.metadata.version <= 6)
      })

      it('lets only one of several writes carrying the same version through', async () => {
        await client('racever')
        const id = await c.create(minimal())
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) => c.call({ method: 'PUT', url: path(id), payload: minimal({ name: { en: `n${i}` }, metadata: { version: 1 } }) })),
        )
        const codes = results.map((r) => r.statusCode).sort()
        assert.deepEqual(codes, [204, 409, 409, 409, 409, 409])
        assert.equal((await c.get(id)).metadata.version, 2)
      })

      it('loses no update when patches race', async () => {
        await client('racepatch')
        const id = await c.create(minimal({ mixins: { m: {} } }))
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => c.call({ method: 'PATCH', url: path(id), payload: [{ op: 'add', path: `/mixins/m/k${i}`, value: i }] })),
        )
        assert.deepEqual(results.map((r) => r.statusCode), Array(8).fill(204))
        const read = await c.get(id)
        assert.equal(read.metadata.version, 9)
        assert.deepEqual(Object.keys(read.mixins.m).sort(), ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'])
      })
    })
  })
}
