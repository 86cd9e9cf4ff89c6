/**
 * The sender against a real receiver on loopback: an answer, the attempt's deadline however the receiver
 * stalls (before its head, in its body, or trickling a byte at a time), and a shutdown that abandons the
 * attempts under way at once.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { createSender } from './sender.js'

const TIMEOUT_MS = 300

type Handler = (request: IncomingMessage, response: ServerResponse) => void

describe('sender', () => {
  const handlers = new Map<string, Handler>()
  const server = createServer((request, response) => {
    request.resume()
    const handle = handlers.get(request.url ?? '')
    if (handle) handle(request, response)
    else response.writeHead(404).end()
  })
  const pending = new Set<ServerResponse>()
  let base = ''
  before(async () => {
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    handlers.set('/ok', (_req, res) => res.writeHead(204).end())
    handlers.set('/silent', (_req, res) => pending.add(res))
    handlers.set('/stalled-body', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('started ')
      pending.add(res)
    })
    handlers.set('/trickle', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      pending.add(res)
      // A byte well within undici's idle timeout each time: only the attempt's own deadline stops it.
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write('.')), TIMEOUT_MS / 6)
      res.on('close', () => clearInterval(drip))
    })
  })
  after(async () => {
    for (const res of pending) res.destroy()
    server.closeAllConnections()
    server.close()
  })

  const send = (sender: ReturnType<typeof createSender>, path: string) => sender.send({ url: `${base}${path}`, headers: { 'content-type': 'application/json' }, body: '{}' })

  it('gives the status and the body of an answer', async () => {
    const sender = createSender({ allowPrivate: true, timeoutMs: TIMEOUT_MS })
    const sent = await send(sender, '/ok')
    assert.equal(sent.status, 204)
    assert.equal(sent.error, undefined)
    assert.equal(sent.timedOut, undefined)
    await sender.close()
  })

  for (const path of ['/silent', '/stalled-body', '/trickle']) {
    it(`ends the attempt at its deadline: ${path.slice(1)}`, async () => {
      const sender = createSender({ allowPrivate: true, timeoutMs: TIMEOUT_MS })
      const sent = await send(sender, path)
      assert.equal(sent.timedOut, true, JSON.stringify(sent))
      assert.equal(sent.error, `timed out after ${TIMEOUT_MS / 1000} s`)
      assert.equal(sent.status, undefined)
      assert.ok(sent.durationMs >= TIMEOUT_MS - 5 && sent.durationMs < TIMEOUT_MS + 1_000, `took ${sent.durationMs} ms`)
      await sender.destroy()
    })
  }

  it('abandons the attempts under way at shutdown, at once', async () => {
    const sender = createSender({ allowPrivate: true, timeoutMs: 10_000 })
    const sends = [send(sender, '/silent'), send(sender, '/stalled-body')]
    await new Promise((resolve) => setTimeout(resolve, 100))
    const started = performance.now()
    await sender.destroy()
    const sent = await Promise.all(sends)
    assert.ok(performance.now() - started < 1_000)
    for (const attempt of sent) {
      assert.equal(attempt.abandoned, true, JSON.stringify(attempt))
      assert.equal(attempt.error, 'abandoned at shutdown')
    }
  })
})
