import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer, type Socket } from 'node:net'
import { describe, it } from 'node:test'
import { BlockedAddressError, forbiddenDestination, forbiddenRange, guardedConnector } from './ssrf-guard.js'

/** Runs the connector the way undici does and returns the error, or closes the socket and returns undefined. */
function connectVia(allowPrivate: boolean, hostname: string, port = '9'): Promise<Error | undefined> {
  const connect = guardedConnector({ allowPrivate, timeoutMs: 2_000 })
  return new Promise((resolve) => {
    connect({ hostname, protocol: 'http:', port }, (error, socket) => {
      ;(socket as Socket | null)?.destroy()
      resolve(error ?? undefined)
    })
  })
}

describe('SSRF guard', () => {
  it('classifies internal, metadata and public addresses', () => {
    const refused: Record<string, string> = {
      '127.0.0.1': 'loopback',
      '127.9.9.9': 'loopback',
      '::1': 'loopback',
      '10.1.2.3': 'private',
      '172.16.0.1': 'private',
      '192.168.1.1': 'private',
      '169.254.1.1': 'linkLocal',
      'fe80::1': 'linkLocal',
      'fd12:3456::1': 'uniqueLocal',
      '100.64.0.1': 'carrierGradeNat',
      '0.0.0.0': 'unspecified',
      '::': 'unspecified',
      '240.0.0.1': 'reserved',
      '224.0.0.1': 'multicast',
      'ff02::1': 'multicast',
      '255.255.255.255': 'broadcast',
      '169.254.169.254': 'cloud metadata',
      'fd00:ec2::254': 'cloud metadata',
      '::ffff:127.0.0.1': 'loopback',
      '::ffff:10.0.0.1': 'private',
      '64:ff9b::a00:1': 'private',
      '2002:7f00:1::1': 'loopback',
      '::127.0.0.1': 'loopback',
      '::a00:1': 'private',
      '::169.254.169.254': 'cloud metadata',
      // Teredo: the client's IPv4 address, inverted, in the last 32 bits (here 127.0.0.1 and 10.0.0.1).
      '2001:0:4136:e378:8000:63bf:80ff:fffe': 'loopback',
      '2001:0:4136:e378:8000:63bf:f5ff:fffe': 'private',
    }
    for (const [address, range] of Object.entries(refused)) assert.equal(forbiddenRange(address, false), range, address)
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '::8.8.8.8', '2001:0:4136:e378:8000:63bf:f7f7:f7f7']) {
      assert.equal(forbiddenRange(address, false), undefined, address)
    }
    assert.equal(forbiddenRange('localhost', false), 'not an IP address')
  })

  it('judges a URL by its host where the host alone decides: literals and localhost', () => {
    const judged: Record<string, string | undefined> = {
      'http://127.0.0.1:4000/x': 'loopback',
      'http://[::1]/': 'loopback',
      'http://[::127.0.0.1]:8080/': 'loopback',
      'http://localhost:4000/': 'loopback',
      'http://api.localhost./': 'loopback',
      'http://10.0.0.1/': 'private',
      'http://169.254.169.254/latest': 'cloud metadata',
      'https://hooks.example.com/in': undefined,
      'https://8.8.8.8/': undefined,
    }
    for (const [url, range] of Object.entries(judged)) assert.equal(forbiddenDestination(url, false), range, url)
    assert.equal(forbiddenDestination('http://localhost:4000/', true), undefined)
    assert.equal(forbiddenDestination('http://127.0.0.1/', true), undefined)
    assert.equal(forbiddenDestination('http://169.254.169.254/', true), 'cloud metadata')
  })

  it('allowPrivate lets internal addresses through but never cloud metadata', () => {
    for (const address of ['127.0.0.1', '::1', '10.0.0.1', '192.168.0.10']) assert.equal(forbiddenRange(address, true), undefined, address)
    assert.equal(forbiddenRange('169.254.169.254', true), 'cloud metadata')
    assert.equal(forbiddenRange('::ffff:169.254.169.254', true), 'cloud metadata')
  })

  it('refuses IP literals at connect time, before any socket is opened', async () => {
    for (const host of ['127.0.0.1', '169.254.169.254', '::1', '[::1]', '10.0.0.1', '0.0.0.0']) {
      const error = await connectVia(false, host)
      assert.ok(error instanceof BlockedAddressError, `${host}: ${error}`)
      assert.match(error.message, /refused to connect/)
    }
  })

  it('refuses names that resolve to internal addresses (localhost)', async () => {
    const error = await connectVia(false, 'localhost')
    assert.ok(error instanceof BlockedAddressError, String(error))
    assert.match(error.message, /localhost \((127\.0\.0\.1|::1)\): loopback/)
  })

  it('connects to loopback when private addresses are allowed', async () => {
    const server = createServer((socket) => socket.end())
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as { port: number }
    try {
      assert.equal(await connectVia(true, '127.0.0.1', String(port)), undefined)
      assert.equal(await connectVia(true, 'localhost', String(port)), undefined)
      assert.ok((await connectVia(false, '127.0.0.1', String(port))) instanceof BlockedAddressError)
    } finally {
      server.close()
    }
  })
})
