/**
 * Bad requests: malformed JSON, wrong types, unknown fields, wrong or missing content type, missing and
 * oversized bodies, text the store cannot hold, bad parameters. Each gets a 4xx in the one error format
 * `{code, status, message, details?}`, no input gets a 5xx, and none leaves partial state behind.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DEFAULT_LIMITS } from '../src/config.js'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'
import { assertError, freshTenant, type CallOptions, snapshot, type TenantClient, tenantClient } from './support/segment-helpers.js'

const valid = { name: { en: 'Segment' }, siteCode: 'main' }
const json = { 'content-type': 'application/json' }

for (const engine of ENGINES) {
  describe(`errors on ${engine}`, () => {
    let t: TestApp
    let c: TenantClient
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())

    /** A fresh tenant holding segment `x`; returns its state to compare with after the bad requests. */
    const prepared = async (prefix: string) => {
      c = await tenantClient(t, freshTenant(prefix))
      await c.create({ ...valid, id: 'x', mixins: { m: { v: 1 } } })
      return snapshot(t, c.tenant)
    }
    const unchanged = async (before: Awaited<ReturnType<typeof snapshot>>) => {
      assert.deepEqual(await snapshot(t, c.tenant), before, 'a refused request leaves segments, assignments and events as they were')
    }

    /** Every route that takes a body, with a body it would accept. */
    const bodyRoutes = (): (CallOptions & { label: string; good: unknown })[] => [
      { label: 'POST create', method: 'POST', url: c.url(), good: valid },
      { label: 'PUT upsert', method: 'PUT', url: c.url('/x'), good: valid },
      { label: 'PATCH', method: 'PATCH', url: c.url('/x'), good: [{ op: 'replace', path: '/status', value: 'ACTIVE' }] },
      { label: 'POST search', method: 'POST', url: c.url('/search'), good: { q: 'siteCode:main' } },
      { label: 'POST bulk', method: 'POST', url: c.url('/bulk'), good: [valid] },
      { label: 'PUT bulk', method: 'PUT', url: c.url('/bulk'), good: [{ ...valid, id: 'x' }] },
      { label: 'DELETE bulk', method: 'DELETE', url: c.url('/bulk'), good: ['x'] },
    ]

    describe('malformed and missing bodies', () => {
      it('answers malformed JSON with 400 "Malformed JSON body" on every body route', async () => {
        const before = await prepared('malformed')
        for (const route of bodyRoutes()) {
          for (const text of ['{', '{"name": }', "{'single': 'quotes'}", '[1,]', 'undefined', '{"a":1}}', '\u0000']) {
            const res = await c.call({ method: route.method, url: route.url, payload: text, headers: json })
            const body = assertError(res, 400, /^Malformed JSON body/)
            assert.equal(body.details.type, 'malformed_json', route.label)
          }
        }
        await unchanged(before)
      })

      it('refuses a missing or empty body where one is required', async () => {
        const before = await prepared('empty')
        for (const route of bodyRoutes().filter((r) => r.label !== 'POST search')) {
          assertError(await c.call({ method: route.method, url: route.url }), 400)
          assertError(await c.call({ method: route.method, url: route.url, payload: '', headers: json }), 400)
          assertError(await c.call({ method: route.method, url: route.url, payload: '   ', headers: json }), 400)
          assertError(await c.call({ method: route.method, url: route.url, payload: 'null', headers: json }), 400)
        }
        await unchanged(before)
      })

      it('refuses bodies that are not JSON with 415, naming the content type', async () => {
        const before = await prepared('mediatype')
        for (const route of bodyRoutes()) {
          for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
            const res = await c.call({ method: route.method, url: route.url, payload: JSON.stringify(route.good), headers: { 'content-type': type } })
            const body = assertError(res, 415)
            assert.ok(body.message.includes(type), body.message)
          }
        }
        await unchanged(before)
      })

      it('refuses a body over the body limit (1 MiB) with 413, naming the limit', async () => {
        const before = await prepared('toolarge')
        const huge = JSON.stringify({ ...valid, description: { en: 'x'.repeat(DEFAULT_LIMITS.bodyBytes) } })
        const body = assertError(await c.call({ method: 'POST', url: c.url(), payload: huge, headers: json }), 413)
        assert.match(body.message, /at most 1,048,576 bytes/)
        const hugeBulk = JSON.stringify(Array.from({ length: 100 }, () => ({ ...valid, description: { en: 'y'.repeat(11_000) } })))
        assertError(await c.call({ method: 'POST', url: c.url('/bulk'), payload: hugeBulk, headers: json }), 413)
        await unchanged(before)
      })

      it('stores a segment up to the document limit (64 KiB) and refuses a larger one with 413', async () => {
        const before = await prepared('nearlimit')
        const sized = (bytes: number) => ({ ...valid, mixins: { notes: { text: 'x'.repeat(bytes) } } })
        assert.equal((await c.call({ method: 'POST', url: c.url(), payload: sized(60_000) })).statusCode, 201)
        const body = assertError(await c.call({ method: 'POST', url: c.url(), payload: sized(DEFAULT_LIMITS.documentBytes) }), 413)
        assert.match(body.message, /^The segment would take 65,\d{3} bytes as stored; at most 65,536 are allowed/)
        const after = await snapshot(t, c.tenant)
        assert.equal(after.events.length, before.events.length + 1, 'an event for the stored one, none for the refused one')
      })
    })

    describe('wrong types and unknown fields', () => {
      const wrong: [string, Record<string, unknown>, string][] = [
        ['name as a number', { ...valid, name: 42 }, 'name'],
        ['name entry as a number', { ...valid, name: { en: 42 } }, 'name'],
        ['siteCode as a number', { ...valid, siteCode: 1 }, 'siteCode'],
        ['siteCode as null', { ...valid, siteCode: null }, 'siteCode'],
        ['status as a boolean', { ...valid, status: true }, 'status'],
        ['validity as a string', { ...valid, validity: '2024-01-01' }, 'validity'],
        ['validity.from as a bad date', { ...valid, validity: { from: 'not-a-date' } }, 'validity.from'],
        ['mixins as an array', { ...valid, mixins: [] }, 'mixins'],
        ['mixins as a string', { ...valid, mixins: 'm' }, 'mixins'],
        ['metadata.mixins with a non-string value', { ...valid, metadata: { mixins: { a: 1 } } }, 'metadata.mixins'],
        ['id as a number', { ...valid, id: 628 }, 'id'],
        ['an unknown top-level field', { ...valid, colour: 'red' }, 'colour'],
        ['an unknown validity field', { ...valid, validity: { from: '2024-01-01T00:00:00Z', until: '2025-01-01T00:00:00Z' } }, 'until'],
        ['metadata.createdAt on create', { ...valid, metadata: { createdAt: '2024-01-01T00:00:00Z' } }, 'createdAt'],
        ['a body that is an array', [valid] as unknown as Record<string, unknown>, ''],
      ]
      for (const [label, payload, field] of wrong) {
        it(`refuses ${label} with 400 naming the field`, async () => {
          const before = await prepared('types')
          const body = assertError(await c.call({ method: 'POST', url: c.url(), payload }), 400)
          assert.ok(body.message.includes(field) || body.details?.field?.includes(field) || body.details?.message?.includes(field), `${field} in ${JSON.stringify(body)}`)
          await unchanged(before)
        })
      }

      it('refuses wrong types and unknown fields on PUT, and unknown metadata', async () => {
        const before = await prepared('puttypes')
        for (const payload of [{ ...valid, colour: 'red' }, { ...valid, status: 1 }, { ...valid, metadata: { version: 'one' } }, { ...valid, metadata: { modifiedAt: 'x' } }]) {
          assertError(await c.call({ method: 'PUT', url: c.url('/x'), payload }), 400)
        }
        await unchanged(before)
      })

      it('names unknown fields in the message', async () => {
        await prepared('unknown')
        const body = assertError(await c.call({ method: 'POST', url: c.url(), payload: { ...valid, colour: 'red' } }), 400)
        assert.equal(body.message, "Validation problem with request body: unknown field 'colour'.")
        assert.deepEqual(body.details, { field: 'colour', type: 'unknown_field', message: "unknown field 'colour'" })
      })

      it('names every problem of a body once, with the values an enumeration allows', async () => {
        const before = await prepared('problems')
        const body = assertError(await c.call({ method: 'POST', url: c.url(), payload: { status: 'GONE', siteCode: 1, name: { en: 7 }, colour: 'red' } }), 400)
        assert.equal(
          body.message,
          "Validation problem with request body: unknown field 'colour'; 'name.en' must be string; 'status' must be ACTIVE or INACTIVE; 'siteCode' must be string.",
        )
        const missing = assertError(await c.call({ method: 'POST', url: c.url(), payload: { name: { en: 'x' } } }), 400)
        assert.equal(missing.message, "Validation problem with request body: 'siteCode' is required.")
        const bulk = await c.call({ method: 'POST', url: c.url('/bulk'), payload: [{ ...valid, status: 'GONE' }] })
        assert.equal(bulk.json()[0].message, "Validation problem with request body: 'status' must be ACTIVE or INACTIVE.")
        await unchanged(before)
      })

      it('refuses prototype-polluting keys', async () => {
        const before = await prepared('proto')
        for (const text of ['{"__proto__":{"x":1},"name":{"en":"a"},"siteCode":"m"}', '{"name":{"en":"a"},"siteCode":"m","mixins":{"constructor":{"prototype":{"x":1}}}}']) {
          assertError(await c.call({ method: 'POST', url: c.url(), payload: text, headers: json }), 400)
        }
        assert.equal(({} as Record<string, unknown>).x, undefined)
        await unchanged(before)
      })
    })

    describe('text and shapes the store cannot hold', () => {
      it('refuses U+0000 and unpaired surrogates anywhere in a body, naming where', async () => {
        const before = await prepared('nul')
        const cases: [string, string][] = [
          ['{"name":{"en":"a\\u0000b"},"siteCode":"main"}', 'name.en'],
          ['{"name":{"en":"ab"},"siteCode":"ma\\u0000in"}', 'siteCode'],
          ['{"id":"x\\u0000y","name":{"en":"ab"},"siteCode":"main"}', 'id'],
          ['{"name":{"en":"\\ud800"},"siteCode":"main"}', 'name.en'],
          ['{"name":{"en":"ab"},"siteCode":"main","description":{"de":"\\udfff tail"}}', 'description.de'],
          ['{"name":{"en":"ab"},"siteCode":"main","mixins":{"a\\u0000":1}}', 'mixins'],
          ['{"name":{"en":"ab"},"siteCode":"main","mixins":{"a":["ok","\\u0000"]}}', 'mixins.a.1'],
        ]
        for (const [text, field] of cases) {
          const body = assertError(await c.call({ method: 'POST', url: c.url(), payload: text, headers: json }), 400)
          assert.ok(body.details.field.startsWith(field), `${body.details.field} for ${text}`)
        }
        const patch = '[{"op":"replace","path":"/siteCode","value":"a\\u0000"}]'
        assertError(await c.call({ method: 'PATCH', url: c.url('/x'), payload: patch, headers: json }), 400)
        const bulk = '[{"name":{"en":"ok"},"siteCode":"main"},{"name":{"en":"\\u0000"},"siteCode":"main"}]'
        assertError(await c.call({ method: 'POST', url: c.url('/bulk'), payload: bulk, headers: json }), 400)
        assertError(await c.call({ method: 'POST', url: c.url('/search'), payload: '{"q":"siteCode:\\u0000"}', headers: json }), 400)
        await unchanged(before)
      })

      it('keeps paired surrogates (emoji) and other unicode intact', async () => {
        await prepared('emoji')
        const name = { en: 'Gold 🥇 — Größe', ja: '金' }
        const id = await c.create({ ...valid, id: 'émoji-🥇', name })
        assert.deepEqual((await c.get(id)).name, name)
      })

      it('refuses JSON nested more than 64 levels deep', async () => {
        const before = await prepared('deep')
        for (const depth of [70, 5_000, 100_000]) {
          const text = `{"name":{"en":"ab"},"siteCode":"main","mixins":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`
          const body = assertError(await c.call({ method: 'POST', url: c.url(), payload: text, headers: json }), 400)
          assert.equal(body.details.type, 'too_deep')
        }
        const ok = `{"name":{"en":"ab"},"siteCode":"main","mixins":{"a":${'['.repeat(50)}${']'.repeat(50)}}}`
        assert.equal((await c.call({ method: 'POST', url: c.url(), payload: ok, headers: json })).statusCode, 201)
        const state = await snapshot(t, c.tenant)
        assert.equal(state.segments.length, before.segments.length + 1)
      })

      it('refuses control characters in path ids, malformed percent-encoding and over-long paths in the error format', async () => {
        const before = await prepared('pathid')
        for (const id of ['a%00b', 'a%0Ab', 'a%7Fb', 'a%20b']) {
          assertError(await c.call({ method: 'GET', url: c.url(`/${id}`) }), 400)
          assertError(await c.call({ method: 'PUT', url: c.url(`/${id}`), payload: valid }), 400)
          assertError(await c.call({ method: 'DELETE', url: c.url(`/${id}`) }), 400)
        }
        assertError(await c.call({ method: 'GET', url: c.url('/%ED%A0%80') }), 400)
        assertError(await c.call({ method: 'GET', url: c.url('/%zz') }), 400)
        assertError(await c.call({ method: 'GET', url: c.url(`/${'a'.repeat(256)}`) }), 400)
        assertError(await c.call({ method: 'GET', url: c.url(`/${'a'.repeat(5000)}`) }), 414)
        await unchanged(before)
      })

      it('refuses NUL and over-deep mixin paths in sort and q', async () => {
        await prepared('sortnul')
        for (const query of ['sort=name.a%00', 'sort=mixins.a%00', `sort=mixins.${Array(40).fill('k').join('.')}`, `q=mixins.${Array(200).fill('k').join('.')}:1`, 'q=name.en:%00']) {
          const body = assertError(await c.call({ method: 'GET', url: `${c.url()}?${query}` }), 400)
          assert.match(body.message, /^Invalid (sort|q|value of 'sort'|value of 'q')(: |': must not contain U\+0000)/)
        }
      })
    })

    describe('bad parameters and routes', () => {
      it('refuses a tenant that is not a tenant name (for a token of that very tenant)', async () => {
        for (const tenant of ['AB', 'Acme', 'a', '1acme', 'acme_corp', 'averyveryverylongtenant']) {
          const token = await t.token({ tenant })
          const body = assertError(await t.call({ method: 'GET', url: `/customer-segment/${tenant}/segments`, token }), 400)
          assert.equal(body.details.field, 'tenant')
        }
      })

      it('refuses bad event-log parameters', async () => {
        await prepared('evparams')
        for (const query of ['type=segment-created', 'type=customer-segment.unknown', 'since=yesterday', 'since=2024-13-01T00:00:00Z', 'since=0000-01-01', 'since=-1', 'since=9999-12-31T23:59:59-15:00', 'pageSize=0', 'pageNumber=x']) {
          assertError(await c.call({ method: 'GET', url: `/webhook/${c.tenant}/events?${query}` }), 400)
        }
      })

      it('answers unknown routes and methods with 404 in the error format', async () => {
        assertError(await t.call({ method: 'GET', url: '/customer-segment/acme/nothing' }), 404)
        assertError(await t.call({ method: 'PATCH', url: '/customer-segment/acme/segments' }), 404)
        assertError(await t.call({ method: 'POST', url: '/customer-segment/acme/segments/x' }), 404)
        assertError(await t.call({ method: 'GET', url: '/' }), 404)
      })

      it('ignores odd X-Total-Count and Accept-Language values rather than failing', async () => {
        await prepared('headers')
        for (const headers of [{ 'x-total-count': 'yes' }, { 'accept-language': ';;;,,q=,en;q=abc' }, { 'accept-language': 'xx-YY-ZZ-11' }]) {
          const res = await c.call({ method: 'GET', url: c.url(), headers })
          assert.equal(res.statusCode, 200)
          assert.equal(res.headers['x-total-count'], undefined)
        }
      })
    })

    describe('no 5xx', () => {
      it('answers every odd body on every body route with a 2xx or a 4xx in the error format', async () => {
        await prepared('fuzz')
        const long = 'x'.repeat(100_000)
        const bodies: unknown[] = [
          null, true, 0, -1, 1e308, '', 'x', [], [null], [[]], {}, [{}],
          { name: null, siteCode: 'main' },
          { name: { en: null }, siteCode: 'main' },
          { name: { en: long }, siteCode: 'main' },
          { name: { en: 'a' }, siteCode: long },
          { name: { en: 'a' }, siteCode: 'main', validity: null },
          { name: { en: 'a' }, siteCode: 'main', validity: { from: null } },
          { name: { en: 'a' }, siteCode: 'main', validity: { from: '2024-02-30T00:00:00Z' } },
          { name: { en: 'a' }, siteCode: 'main', validity: { from: '+275760-09-13T00:00:00Z' } },
          { name: { en: 'a' }, siteCode: 'main', validity: { to: '1970-01-01T00:00:00.000000001Z' } },
          { name: { en: 'a' }, siteCode: 'main', mixins: null },
          { name: { en: 'a' }, siteCode: 'main', mixins: { a: { b: [1, 'two', null, { c: 1e-300 }] } } },
          { name: { en: 'a' }, siteCode: 'main', status: null },
          { name: { en: 'a' }, siteCode: 'main', metadata: null },
          { name: { en: 'a' }, siteCode: 'main', metadata: { version: 2 ** 53 } },
          { name: { en: 'a' }, siteCode: 'main', metadata: { version: 2 ** 31 } },
          { name: { en: 'a' }, siteCode: 'main', id: null },
          { name: { [`a${'b'.repeat(300)}`]: 'x' }, siteCode: 'main' },
          { q: null },
          { q: 'name.en:~(a|' },
          { q: 'name.en:~a{99999}' },
          { q: `id:(${Array(2_000).fill('a').join(',')})` },
          [{ op: 'add', path: '/mixins', value: null }],
          [{ op: 'replace', path: '/validity', value: null }],
          [{ op: 'add', path: '/name/en', value: 5 }],
          [{ op: 'copy', from: '/name', path: '/description' }],
          [{ op: 'move', from: '/name', path: '/name/en' }],
          [{ op: 'add', path: '/-', value: 1 }],
          [{ op: 'replace', path: '/status', value: {} }],
          [{ op: 'test', path: '/metadata/version', value: null }],
          [{ op: 'add', path: '/mixins/m/v/~1', value: 1 }],
          [{ op: 'add', path: '/metadata/mixins', value: { a: 5 } }],
          [{ op: 'replace', path: '/validity/from', value: '2024-06-30T23:59:60Z' }],
          [{ op: 'add', path: '/validity', value: { from: '0000-01-01T00:00:00Z' } }],
          Array.from({ length: 1001 }, () => ({ op: 'test', path: '/siteCode', value: 'main' })),
          ['x', 'y'],
          [42, { id: 'x' }],
        ]
        const problems: string[] = []
        for (const route of bodyRoutes()) {
          for (const payload of bodies) {
            const res = await c.call({ method: route.method, url: route.url, payload: JSON.stringify(payload), headers: json })
            if (res.statusCode >= 500) problems.push(`${route.label} ${JSON.stringify(payload).slice(0, 80)} → ${res.statusCode} ${res.body}`)
            else if (res.statusCode >= 400) assertError(res, res.statusCode)
            else if (res.statusCode === 207) {
              for (const result of res.json()) assert.ok(result.code < 500, `${route.label}: ${JSON.stringify(result)}`)
            }
          }
        }
        assert.deepEqual(problems, [])
      })

      it('answers odd query strings on the read routes with a 2xx or a 4xx', async () => {
        await prepared('fuzzq')
        const queries = [
          'q=%ED%A0%80', 'q=siteCode:%ED%A0%80', 'sort=name.%ED%A0%80', 'fields=%00', 'fields=__proto__,constructor',
          'q=metadata.createdAt:>"9999-12-31T23:59:59-15:00"', 'q=metadata.version:99999999999999999999', 'q=metadata.version:-1e999',
          'q=name.en:~(?<=a)b', 'q=name.en:~\\p{L}', 'q=mixins.a:>"2024"', 'pageNumber=1000000000&pageSize=1000',
          'sort=mixins.m.v:desc', 'q=validity.from:"9999-12-31T23:59:59Z"', 'q=validity.from:"0001-01-01"',
        ]
        for (const query of queries) {
          for (const res of [
            await c.call({ method: 'GET', url: `${c.url()}?${query}` }),
            await c.call({ method: 'GET', url: `${c.url('/x')}?${query}` }),
          ]) {
            assert.ok(res.statusCode < 500, `${query} → ${res.statusCode} ${res.body}`)
            if (res.statusCode >= 400) assertError(res, res.statusCode)
          }
        }
      })
    })
  })
}
