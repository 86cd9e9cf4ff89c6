/**
 * Tracing with OpenTelemetry, as an operator turns it on: `segments serve` started with the standard
 * OTEL_* settings pointing at a real OTLP/HTTP receiver (JSON), a webhook to a real receiver, and a change
 * made through the API. The receiver gets `traceparent`; the OTLP receiver gets the request's span (named
 * by route pattern), its SQL statements as children, the dispatch batch, and the delivery attempt whose
 * context the receiver was sent, linked back to the request. Without the settings no `traceparent` is
 * sent and nothing is exported. On each storage engine; and the settings as the config reads them.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { mintToken } from '../src/auth/mint-token.js'
import { ConfigError, loadConfig } from '../src/config.js'
import { type Receiver, startReceiver, waitFor } from './support/delivery-helpers.js'
import { ALL_SCOPES, ENGINES, freshPostgresDatabase, TEST_SECRET } from './support/harness.js'
import { startService } from './support/service-process.js'

const TENANT = 'acme'
const CREATED = 'customer-segment.segment-created'
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/

type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number }

/** A span as OTLP/JSON carries it, with its resource's and its own attributes made plain. */
interface ExportedSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  attributes: Record<string, string | number | boolean | undefined>
  links: { traceId: string; spanId: string }[]
  status?: { code?: number }
  resource: Record<string, string | number | boolean | undefined>
}

const SPAN_KIND = { server: 2, client: 3 }

function plain(attributes: { key: string; value: AnyValue }[] = []): ExportedSpan['attributes'] {
  return Object.fromEntries(
    attributes.map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue))]),
  )
}

/** An OTLP/HTTP receiver of traces in the JSON protocol, as a collector or Jaeger would be. */
async function startOtlpReceiver(): Promise<{ url: string; spans: ExportedSpan[]; paths: string[]; close(): Promise<void> }> {
  const spans: ExportedSpan[] = []
  const paths: string[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`)
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end()
        return
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      for (const resourceSpans of body.resourceSpans ?? []) {
        const resource = plain(resourceSpans.resource?.attributes)
        for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
          for (const span of scopeSpans.spans ?? []) {
            spans.push({ ...span, attributes: plain(span.attributes), links: span.links ?? [], resource })
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    paths,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** Where a `serve` keeps its data on `engine`, and how to throw it away. */
async function storeFor(engine: string): Promise<{ env: Record<string, string>; dispose(): Promise<void> }> {
  if (engine === 'postgres') {
    const { url, drop } = await freshPostgresDatabase()
    return { env: { DATABASE_URL: url }, dispose: drop }
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'css-tracing-'))
  return { env: { DATA_DIR: dataDir }, dispose: () => rm(dataDir, { recursive: true, force: true }) }
}

/** Configures the tenant's webhook to `receiver` and subscribes it to segment-created, through the API. */
async function configureThroughApi(url: string, token: string, receiver: Receiver): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const config = await fetch(`${url}/webhook/${TENANT}/config`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ code: 'http', provider: 'HTTP', active: true, configuration: { destinationUrl: `${receiver.url}/events` } }),
  })
  assert.equal(config.status, 201, await config.text())
  const subscribed = await fetch(`${url}/webhook/${TENANT}/event-subscriptions`, {
    method: 'PATCH',
    headers,
    body: JSON.stringify([{ eventType: CREATED, action: 'SUBSCRIBE' }]),
  })
  assert.equal(subscribed.status, 207, await subscribed.text())
}

async function createSegment(url: string, token: string, id: string): Promise<void> {
  const res = await fetch(`${url}/customer-segment/${TENANT}/segments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id, name: { en: `Segment ${id}` }, siteCode: 'main' }),
  })
  assert.equal(res.status, 201, await res.text())
}

describe('tracing settings', () => {
  const tracing = (env: Record<string, string>) => loadConfig(env).tracing

  it('is off unless an exporter or an endpoint is named, and OTEL_SDK_DISABLED wins', () => {
    assert.deepEqual(tracing({}), { enabled: false, serviceName: 'customer-segment-service', console: false })
    assert.equal(tracing({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).enabled, false)
    assert.equal(tracing({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).enabled, false)
  })

  it('finds the OTLP URL as the OpenTelemetry specification says', () => {
    assert.equal(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }).otlpUrl, 'http://c:4318/v1/traces')
    assert.equal(tracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://d:4318' }).otlpUrl, 'http://c:4318/custom')
    assert.equal(tracing({ OTEL_TRACES_EXPORTER: 'otlp' }).otlpUrl, 'http://localhost:4318/v1/traces')
    assert.deepEqual(tracing({ OTEL_TRACES_EXPORTER: 'console', OTEL_SERVICE_NAME: 'segments-eu' }), { enabled: true, serviceName: 'segments-eu', otlpUrl: undefined, console: true })
  })

  it('refuses what it would not honour, naming the setting', () => {
    assert.throws(() => tracing({ OTEL_TRACES_EXPORTER: 'zipkin' }), (e: Error) => e instanceof ConfigError && /OTEL_TRACES_EXPORTER has 'zipkin'/.test(e.message))
    assert.throws(() => tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }), /OTEL_EXPORTER_OTLP_PROTOCOL is 'grpc'/)
    assert.equal(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).enabled, true)
  })
})

for (const engine of ENGINES) {
  describe(`tracing (${engine})`, () => {
    let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>
    let receiver: Receiver
    let token: string

    before(async () => {
      otlp = await startOtlpReceiver()
      receiver = await startReceiver()
      token = await mintToken(new TextEncoder().encode(TEST_SECRET), { tenant: TENANT, scopes: ALL_SCOPES, ttl: '1h' })
    })
    after(async () => {
      await receiver.close()
      await otlp.close()
    })

    it('exports the request, its SQL, the dispatch and the delivery attempt, and sends the attempt its traceparent', async () => {
      const store = await storeFor(engine)
      const serve = await startService('serve', {
        ...store.env,
        AUTH_SECRET: TEST_SECRET,
        DELIVERY_ALLOW_PRIVATE: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        // Batches go out every 100 ms rather than every 5 s, so the test need not wait.
        OTEL_BSP_SCHEDULE_DELAY: '100',
      })
      try {
        const [line] = serve.logged('tracing on')
        assert.equal(line?.otlp, `${otlp.url}/v1/traces`)
        const url = serve.url as string
        await configureThroughApi(url, token, receiver)
        await createSegment(url, token, 'gold')
        const read = await fetch(`${url}/customer-segment/${TENANT}/segments/gold`, { headers: { authorization: `Bearer ${token}` } })
        assert.equal(read.status, 200)

        const delivered = await waitFor('the delivery', () => receiver.requests.find((r) => r.headers['ce-type'] === CREATED))
        const traceparent = delivered.headers.traceparent as string
        const match = TRACEPARENT.exec(traceparent ?? '')
        assert.ok(match, `a W3C traceparent was sent: ${traceparent}`)
        const [, traceId, spanId] = match

        const attempt = await waitFor('the attempt span', () => otlp.spans.find((s) => s.spanId === spanId))
        assert.equal(attempt.traceId, traceId, 'the receiver got the attempt span’s own context')
        assert.equal(attempt.kind, SPAN_KIND.client)
        assert.equal(attempt.name, 'POST')
        assert.equal(attempt.attributes['url.full'], `${receiver.url}/events`)
        assert.equal(attempt.attributes['http.response.status_code'], 204)
        assert.equal(attempt.attributes['segments.delivery.attempt'], 1)
        assert.equal(attempt.attributes['segments.event.type'], CREATED)
        assert.match(String(attempt.attributes['segments.delivery.target']), /^acme\/http\//)
        assert.equal(attempt.resource['service.name'], 'customer-segment-service')

        const request = await waitFor('the request span', () =>
          otlp.spans.find((s) => s.kind === SPAN_KIND.server && s.name === 'POST /customer-segment/:tenant/segments'),
        )
        assert.equal(request.attributes['http.route'], '/customer-segment/:tenant/segments')
        assert.equal(request.attributes['http.response.status_code'], 201)
        assert.equal(request.parentSpanId || undefined, undefined, 'a request without traceparent starts a trace')
        assert.deepEqual(
          attempt.links.map((l) => [l.traceId, l.spanId]),
          [[request.traceId, request.spanId]],
          'the attempt links to the request that wrote the event',
        )

        const statements = otlp.spans.filter((s) => s.traceId === request.traceId && s.attributes['db.system.name'] === 'postgresql')
        assert.ok(statements.length > 0, 'the request’s statements are spans')
        for (const statement of statements) {
          assert.equal(statement.kind, SPAN_KIND.client)
          assert.equal(statement.parentSpanId, request.spanId)
          assert.equal(statement.attributes['segments.database.engine'], engine)
        }
        const names = statements.map((s) => s.name)
        assert.ok(names.includes('INSERT') && names.includes('BEGIN') && names.includes('COMMIT'), `statements: ${names.join(', ')}`)
        assert.ok(statements.some((s) => /insert into "segment"/.test(String(s.attributes['db.query.text']))))

        const get = await waitFor('the read’s span', () => otlp.spans.find((s) => s.kind === SPAN_KIND.server && s.name.startsWith('GET ')))
        assert.equal(get.name, 'GET /customer-segment/:tenant/segments/:segmentId')
        assert.ok(
          otlp.spans.every((s) => !s.name.includes('gold')),
          'no span is named by a raw URL',
        )
        await waitFor('the dispatch span', () => otlp.spans.find((s) => s.name === 'dispatch events' && Number(s.attributes['segments.dispatch.events']) >= 1))
      } finally {
        assert.equal(await serve.stop(), 0)
        await store.dispose()
      }
    })

    it('sends no traceparent and exports nothing without OTEL settings', async () => {
      const store = await storeFor(engine)
      const serve = await startService('serve', { ...store.env, AUTH_SECRET: TEST_SECRET, DELIVERY_ALLOW_PRIVATE: 'true' })
      const before = otlp.paths.length
      const received = receiver.requests.length
      try {
        assert.equal(serve.logged('tracing on').length, 0)
        const url = serve.url as string
        await configureThroughApi(url, token, receiver)
        await createSegment(url, token, 'silver')
        const delivered = await waitFor('the delivery', () => receiver.requests.slice(received).find((r) => r.headers['ce-type'] === CREATED))
        assert.equal(delivered.headers.traceparent, undefined)
      } finally {
        assert.equal(await serve.stop(), 0)
        await store.dispose()
      }
      assert.equal(otlp.paths.length, before, 'nothing was exported')
    })
  })
}
