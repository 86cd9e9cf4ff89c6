/**
 * What the HTTP server answers before any route runs, over real sockets: requests the parser refuses
 * (a bad byte in the target, Content-Length twice, bare LF line endings, headers over 16 KiB) and requests
 * that do not arrive in time get the documented error format, and the connection is closed; an idle
 * keep-alive connection is closed too. The store plays no part, so this runs on the embedded engine only.
 */
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { mintToken } from '../src/auth/mint-token.js'
import { createTokenVerifier } from '../src/auth/verify-token.js'
import { loadConfig } from '../src/config.js'
import { buildApp } from '../src/http/app.js'
import { ALL_SCOPES, openTestDatabase, TEST_SECRET } from './support/harness.js'

interface RawResponse {
  status: number
  headers: string
  body: string
  /** Milliseconds from the first byte sent until the server closed the connection. */
  closedAfterMs: number
}

describe('the HTTP layer', () => {
  let app: FastifyInstance
  let port: number
  let dispose: () => Promise<void>

  before(async () => {
    const test = await openTestDatabase('pglite')
    dispose = test.dispose
    const config = loadConfig({ AUTH_SECRET: TEST_SECRET })
    app = await buildApp({
      database: test.database,
      verifyToken: createTokenVerifier(config, new TextEncoder().encode(TEST_SECRET)),
      http: { requestTimeoutMs: 1_000, keepAliveTimeoutMs: 500 },
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    port = (app.server.address() as AddressInfo).port
  })
  after(async () => {
    await app.close()
    await dispose()
  })

  /** Writes `parts` (pausing `pauseMs` between them) and reads until the server closes the connection. */
  function raw(parts: (string | Buffer)[], pauseMs = 0): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1')
      const chunks: Buffer[] = []
      const started = performance.now()
      socket.on('data', (chunk) => chunks.push(chunk))
      socket.on('error', reject)
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('latin1')
        const [head, body = ''] = text.split('\r\n\r\n', 2)
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head, body, closedAfterMs: performance.now() - started })
      })
      socket.on('connect', async () => {
        for (const [i, part] of parts.entries()) {
          if (i > 0 && pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs))
          if (!socket.destroyed) socket.write(part)
        }
      })
      setTimeout(() => socket.destroy(new Error('the server kept the connection open for 10 s')), 10_000)
    })
  }

  function assertErrorFormat(response: RawResponse, status: number, message: RegExp): void {
    assert.equal(response.status, status, response.headers)
    assert.match(response.headers, /content-type: application\/json/i)
    assert.match(response.headers, /connection: close/i)
    const body = JSON.parse(response.body)
    assert.equal(body.code, status)
    assert.equal(typeof body.status, 'string')
    assert.match(body.message, message)
  }

  it('answers requests the parser refuses in the error format and closes the connection', async () => {
    assertErrorFormat(await raw([Buffer.from('GET /he\x80alth HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1')]), 400, /target contains a character that is not allowed/)
    assertErrorFormat(await raw(['POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab']), 400, /Content-Length twice/)
    assertErrorFormat(await raw(['GET /health HTTP/1.1\nHost: x\n\n']), 400, /not valid HTTP\/1\.1/)
    assertErrorFormat(await raw([`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]), 431, /at most 16,384 bytes/)
  })

  it('answers 408 to a body or headers that stop arriving, within about a second of the timeout', async () => {
    const token = await mintToken(new TextEncoder().encode(TEST_SECRET), { tenant: 'acme', scopes: ALL_SCOPES })
    const headers = `Host: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100`
    const slowBody = await raw([`POST /customer-segment/acme/segments HTTP/1.1\r\n${headers}\r\n\r\n{"a"`])
    assertErrorFormat(slowBody, 408, /did not arrive in time/)
    assert.ok(slowBody.closedAfterMs < 3_500, `closed after ${Math.round(slowBody.closedAfterMs)} ms`)
    const slowHeaders = await raw(['GET /health HTTP/1.1\r\nHost: x\r\n'])
    assertErrorFormat(slowHeaders, 408, /did not arrive in time/)
  })

  it('closes an idle keep-alive connection', async () => {
    const response = await raw(['GET /health HTTP/1.1\r\nHost: x\r\n\r\n'])
    assert.equal(response.status, 200)
    assert.ok(response.closedAfterMs < 3_000, `closed after ${Math.round(response.closedAfterMs)} ms`)
  })
})
