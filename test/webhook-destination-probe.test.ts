/**
 * The destination probe with real HTTP servers on loopback, on each storage engine: a config whose new
 * destinations answer HEAD (whatever the status) or, when HEAD gets no answer, OPTIONS is written; one
 * where nothing answers (a closed port, a server that stays silent, an address the SSRF guard refuses)
 * gets the contract's 400 and nothing is stored or changed; a destination the config named before is not
 * probed again. `segments serve` probes by default; DESTINATION_PROBE=false turns it off.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { hostname, tmpdir } from 'node:os'
import { lookup } from 'node:dns/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { mintToken } from '../src/auth/mint-token.js'
import { loadConfig } from '../src/config.js'
import { forbiddenRange } from '../src/delivery/ssrf-guard.js'
import { ALL_SCOPES, ENGINES, siblingApp, startTestApp, TEST_SECRET, type TestApp } from './support/harness.js'
import { freshTenant } from './support/segment-helpers.js'
import { startService } from './support/service-process.js'
import { assertWebhookError, type WebhookClient, webhookClient } from './support/webhook-helpers.js'

const PROBE_TIMEOUT_MS = 1_000
const UNREACHABLE = /^The resource specified by the URL is not accessible \((.+)\)\. For a webhook to be accessible, it needs to answer a HEAD or OPTIONS request\.$/

interface ProbedServer {
  url: string
  /** `METHOD path` of each request received. */
  seen: string[]
  close(): Promise<void>
}

async function serve(handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<ProbedServer> {
  const seen: string[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`)
    handle(request, response)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    async close() {
      for (const socket of sockets) socket.destroy()
      server.close()
      await once(server, 'close')
    },
  }
}

/** A URL on a port where nothing listens. */
async function closedPort(): Promise<string> {
  const server = await serve(() => {})
  await server.close()
  return server.url
}

const config = (configuration: Record<string, unknown>) => ({ code: 'http', provider: 'HTTP', active: true, configuration })

/** The field and reason of a destination-unreachable 400. */
function unreachable(res: Awaited<ReturnType<WebhookClient['call']>>): { field: string; reason: string } {
  const body = assertWebhookError(res, 400, 'There is a validation error. Please check the details.')
  assert.equal(body.details?.length, 1, JSON.stringify(body))
  const [field, ...rest] = (body.details as string[])[0].split(': ')
  const reason = UNREACHABLE.exec(rest.join(': '))
  assert.ok(reason, `details: ${body.details}`)
  return { field, reason: reason[1] }
}

for (const engine of ENGINES) {
  describe(`the destination probe on ${engine}`, () => {
    let t: TestApp
    const servers: ProbedServer[] = []
    const started = async (handle: Parameters<typeof serve>[0]) => {
      const server = await serve(handle)
      servers.push(server)
      return server
    }
    before(async () => {
      t = await startTestApp(engine, { destinationProbe: { enabled: true, timeoutMs: PROBE_TIMEOUT_MS } })
    })
    after(async () => {
      for (const server of servers) await server.close()
      await t.close()
    })

    it('writes a config whose destinations answer HEAD, whatever the status, without asking again', async () => {
      const ok = await started((_request, response) => response.writeHead(200).end())
      const refusesHead = await started((request, response) => response.writeHead(request.method === 'HEAD' ? 405 : 204).end())
      const w = await webhookClient(t, freshTenant('probeok'))
      await w.create(config({ destinationUrl: `${ok.url}/events?x=1`, eventsConfiguration: [{ eventType: 'customer-segment.segment-created', destinationUrl: `${refusesHead.url}/hook` }] }))
      assert.deepEqual(ok.seen, ['HEAD /events?x=1'])
      assert.deepEqual(refusesHead.seen, ['HEAD /hook'], 'a 405 is an answer: the host is there')
    })

    it('asks with OPTIONS when HEAD gets no answer', async () => {
      const dropsHead = await started((request, response) => (request.method === 'HEAD' ? request.socket.destroy() : response.writeHead(204).end()))
      const w = await webhookClient(t, freshTenant('probeopt'))
      await w.create(config({ destinationUrl: `${dropsHead.url}/events` }))
      assert.deepEqual(dropsHead.seen, ['HEAD /events', 'OPTIONS /events'])
    })

    it('answers the contract 400 for a port where nothing listens, storing nothing', async () => {
      const w = await webhookClient(t, freshTenant('probeclosed'))
      const { field, reason } = unreachable(await w.call({ method: 'POST', url: w.url('/config'), payload: config({ destinationUrl: `${await closedPort()}/events` }) }))
      assert.equal(field, 'configuration.destinationUrl')
      assert.match(reason, /ECONNREFUSED/)
      assert.equal(await w.row(), undefined)
    })

    it('gives up on a server that stays silent within the deadline', async () => {
      const silent = await started(() => {})
      const w = await webhookClient(t, freshTenant('probeslow'))
      const startedAt = performance.now()
      const res = await w.call({ method: 'POST', url: w.url('/config'), payload: config({ destinationUrl: `${silent.url}/events` }) })
      const ms = performance.now() - startedAt
      assert.equal(unreachable(res).reason, 'no answer within 1 s')
      assert.ok(ms >= PROBE_TIMEOUT_MS - 50 && ms < PROBE_TIMEOUT_MS + 1_500, `took ${ms} ms`)
      assert.deepEqual(silent.seen, ['HEAD /events'], 'no second request after the deadline')
      assert.equal(await w.row(), undefined)
    })

    it('probes only the destinations a write adds, and a refused write changes nothing', async () => {
      const receiver = await started((_request, response) => response.writeHead(204).end())
      const w = await webhookClient(t, freshTenant('probechange'))
      const body = config({ destinationUrl: `${receiver.url}/events`, headers: { 'x-api-key': { value: 'k' } } })
      await w.create(body)
      assert.equal(receiver.seen.length, 1)
      await receiver.close()

      assert.equal((await w.put(body)).statusCode, 204, 'the same destination is not probed again')
      assert.equal((await w.patch([{ op: 'UPSERT', path: '/configuration/http/headers', value: { 'x-api-key': { value: 'other' } } }])).statusCode, 204)
      const stored = await w.row()

      const closed = `${await closedPort()}/events`
      const patched = unreachable(await w.patch([{ op: 'UPSERT', path: '/configuration/http/destinationUrl', value: closed }]))
      assert.equal(patched.field, 'configuration.destinationUrl')
      const entry = unreachable(await w.patch([{ op: 'UPSERT', path: '/configuration/http/eventsConfigurationEntry', value: { eventType: 'customer-segment.segment-created', destinationUrl: closed } }]))
      assert.equal(entry.field, 'configuration.eventsConfiguration.0.destinationUrl')
      const replaced = unreachable(await w.put(config({ destinationUrl: `${receiver.url}/events`, eventsConfiguration: [{ eventType: 'customer-segment.segment-deleted', destinationUrl: closed }] })))
      assert.equal(replaced.field, 'configuration.eventsConfiguration.0.destinationUrl')
      assert.deepEqual(await w.row(), stored)
    })

    it('connects through the SSRF guard: a host name that resolves to a refused address is a 400', async (context) => {
      const name = hostname()
      const address = await lookup(name).then((found) => found.address, () => undefined)
      if (address === undefined || forbiddenRange(address, false) === undefined) {
        context.skip(`the host name ${name} does not resolve to a loopback or private address here`)
        return
      }
      const receiver = await started((_request, response) => response.writeHead(204).end())
      const guarded = await siblingApp(t, { allowPrivateDestinations: false, destinationProbe: { enabled: true, timeoutMs: PROBE_TIMEOUT_MS } })
      try {
        const w = await webhookClient(guarded, freshTenant('probessrf'))
        const port = new URL(receiver.url).port
        const { reason } = unreachable(await w.call({ method: 'POST', url: w.url('/config'), payload: config({ destinationUrl: `http://${name}:${port}/events` }) }))
        assert.match(reason, new RegExp(`refused to connect to ${name} \\(${address.replaceAll('.', '\\.')}\\): \\w+ addresses are not allowed`))
        assert.deepEqual(receiver.seen, [])
        assert.equal(await w.row(), undefined)
      } finally {
        await guarded.close()
      }
    })

    it('is off unless turned on: apps built without it write any destination', async () => {
      const plain = await siblingApp(t, {})
      try {
        const w = await webhookClient(plain, freshTenant('probeoff'))
        await w.create(config({ destinationUrl: `${await closedPort()}/events` }))
      } finally {
        await plain.close()
      }
    })
  })
}

describe('the destination probe setting', () => {
  it('is on by default, off with DESTINATION_PROBE=false, with a 3 s deadline unless set', () => {
    assert.deepEqual(loadConfig({}).destinationProbe, { enabled: true, timeoutMs: 3_000 })
    assert.deepEqual(loadConfig({ DESTINATION_PROBE: 'false', DESTINATION_PROBE_TIMEOUT_MS: '500' }).destinationProbe, { enabled: false, timeoutMs: 500 })
    assert.throws(() => loadConfig({ DESTINATION_PROBE_TIMEOUT_MS: '10' }), /DESTINATION_PROBE_TIMEOUT_MS/)
  })

  it('makes segments serve refuse a destination where nothing listens', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'segments-probe-'))
    const service = await startService('serve', { DATA_DIR: dataDir, AUTH_SECRET: TEST_SECRET, DELIVERY_ALLOW_PRIVATE: 'true', DELIVERY_WORKER: 'false' })
    try {
      const token = await mintToken(new TextEncoder().encode(TEST_SECRET), { tenant: 'acme', scopes: ALL_SCOPES, ttl: '1h' })
      const res = await fetch(`${service.url}/webhook/acme/config`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(config({ destinationUrl: `${await closedPort()}/events` })),
      })
      assert.equal(res.status, 400)
      const body = (await res.json()) as { message: string; details: string[] }
      assert.equal(body.message, 'There is a validation error. Please check the details.')
      assert.match(body.details[0], /^configuration\.destinationUrl: The resource specified by the URL is not accessible \(.*ECONNREFUSED/)
    } finally {
      await service.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
