/**
 * `segments listen` as an integrator runs it: a process receiving signed deliveries, answering the chosen
 * 2xx when the signatures hold and 401 when one is wrong or none is there, printing one line (or one
 * JSON line) per event, and stopping cleanly on Ctrl-C.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { request as httpRequest } from 'node:http'
import { describe, it } from 'node:test'
import { promisify } from 'node:util'
import { canonicalJson, deliveryHeaders } from '../src/delivery/sign.js'
import { CLI, type Listener, startListener } from './support/listen-process.js'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

const payload = { id: 'seg-1', name: { en: 'Gold', ja: 'ゴールド' }, siteCode: 'main', status: 'ACTIVE', tenant: 'acme', metadata: { version: 1, createdAt: '2026-01-01T00:00:00.000Z', modifiedAt: '2026-01-01T00:00:00.000Z' } }

function signedRequest(secretKey: string | undefined, now = new Date()) {
  const body = canonicalJson(payload)
  const event = {
    id: '0193a5e2-7c4b-7d2e-9f00-1234567890ab',
    type: 'customer-segment.segment-created',
    tenant: 'acme',
    subject: 'segments/seg-1',
    sequence: 17,
    publishedAt: new Date('2026-11-27T10:00:00.000Z'),
  }
  return { body, headers: deliveryHeaders({ event, body, secretKey, headers: { 'x-api-key': { value: 'k' } }, now }) }
}

const post = (url: string, body: string, headers: Record<string, string>) => fetch(`${url}/hooks/in`, { method: 'POST', body, headers })

async function stop(listener: Listener): Promise<number | null> {
  listener.child.kill('SIGINT')
  const [code] = await once(listener.child, 'exit')
  return code as number | null
}

describe('segments listen', () => {
  it('accepts signed events, refuses tampered, unsigned and stale ones, and prints a line for each', async () => {
    const listener = await startListener(['--secret', SECRET])
    try {
      const good = signedRequest(SECRET)
      assert.equal((await post(listener.url, good.body, good.headers)).status, 204)
      const [line] = await listener.lines(1)
      assert.match(
        line,
        /^\d{4}-\d\d-\d\dT[\d:.]+Z 204 customer-segment\.segment-created id=0193a5e2-7c4b-7d2e-9f00-1234567890ab seq=17 subject=segments\/seg-1 emporix=yes standard-webhooks=yes$/,
      )

      const reordered = JSON.stringify(JSON.parse(good.body), null, 2)
      const { 'webhook-signature': _dropped, ...emporixOnly } = good.headers
      assert.equal((await post(listener.url, reordered, emporixOnly)).status, 204, 'a re-serialized body passes the Emporix check alone')
      assert.match((await listener.lines(1))[0], / 204 .* emporix=yes standard-webhooks=missing$/)

      const tampered = await post(listener.url, good.body.replace('Gold', 'Lead'), good.headers)
      assert.equal(tampered.status, 401)
      assert.match(await tampered.text(), /signature/)
      assert.match((await listener.lines(1))[0], / 401 .* emporix=no standard-webhooks=no$/)

      const { 'emporix-event-signature': _e, 'webhook-signature': _w, ...unsigned } = good.headers
      assert.equal((await post(listener.url, good.body, unsigned)).status, 401)
      assert.match((await listener.lines(1))[0], / 401 .* emporix=missing standard-webhooks=missing$/)

      const wrongSecret = signedRequest('whsec_c29tZSBvdGhlciBzZWNyZXQ=')
      assert.equal((await post(listener.url, wrongSecret.body, wrongSecret.headers)).status, 401)
      assert.match((await listener.lines(1))[0], / 401 .* emporix=no standard-webhooks=no$/)

      const stale = signedRequest(SECRET, new Date(Date.now() - 6 * 60_000))
      assert.equal((await post(listener.url, stale.body, stale.headers)).status, 401, 'a timestamp over 5 minutes old')
      assert.match((await listener.lines(1))[0], / 401 .* emporix=yes standard-webhooks=no$/)

      assert.equal((await fetch(listener.url, { method: 'HEAD' })).status, 204, 'HEAD succeeds, as a destination check wants')
      assert.equal((await fetch(listener.url, { method: 'OPTIONS' })).status, 204)
      assert.equal((await fetch(listener.url)).status, 405)
    } finally {
      assert.equal(await stop(listener), 0)
    }
    assert.match(listener.stderr(), /Stopped after 6 requests\./)
  })

  it('prints NDJSON with the event and its headers, and answers the chosen status', async () => {
    const listener = await startListener(['--secret', SECRET, '--json', '--status', '200'])
    try {
      const good = signedRequest(SECRET)
      assert.equal((await post(listener.url, good.body, good.headers)).status, 200)
      const record = JSON.parse((await listener.lines(1))[0])
      assert.deepEqual(record.event, payload)
      assert.equal(record.status, 200)
      assert.equal(record.path, '/hooks/in')
      assert.deepEqual(record.verification, { emporix: 'valid', standardWebhooks: 'valid' })
      assert.equal(record.headers['ce-type'], 'customer-segment.segment-created')
      assert.equal(record.headers['x-api-key'], 'k')
      assert.equal(record.headers['webhook-signature'], good.headers['webhook-signature'])
    } finally {
      assert.equal(await stop(listener), 0)
    }
  })

  it('accepts everything without a secret, and refuses a status that is not 2xx', async () => {
    const listener = await startListener([])
    try {
      const unsigned = signedRequest(undefined)
      assert.equal((await post(listener.url, unsigned.body, unsigned.headers)).status, 204)
      assert.match((await listener.lines(1))[0], / 204 customer-segment\.segment-created .* emporix=- standard-webhooks=-$/)
      // U+009B is a terminal's CSI; HTTP lets it through as obs-text, and it must not reach the terminal.
      const request = httpRequest(`${listener.url}/`, { method: 'POST', headers: { 'ce-type': 'x\u009b2Jy' } })
      request.end('not json')
      const [response] = await once(request, 'response')
      assert.equal(response.statusCode, 204)
      const [line] = await listener.lines(1)
      assert.match(line, / 204 x\S*\?2Jy id=- seq=- subject=- emporix=- standard-webhooks=-$/)
      assert.ok(!line.includes('\u009b'))
    } finally {
      assert.equal(await stop(listener), 0)
    }
    const refused = await promisify(execFile)(process.execPath, [...CLI, '--status', '500'], { env: { PATH: process.env.PATH } }).then(
      () => assert.fail('--status 500 should be refused'),
      (error: { code: number; stderr: string }) => error,
    )
    assert.notEqual(refused.code, 0)
    assert.match(refused.stderr, /2xx/)
  })
})
