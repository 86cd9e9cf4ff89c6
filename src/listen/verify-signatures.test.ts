import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isAccepted, verifyEmporix, verifyStandardWebhooks } from './verify-signatures.js'

/** The published Standard Webhooks example: secret, message id, timestamp, body and its signature. */
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: '1614265330',
  body: Buffer.from('{"test": 2432232314}'),
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
}
const at = (seconds: number) => new Date(seconds * 1000)
const headers = (values: Record<string, string>) => (name: string) => values[name]
const specHeaders = (signature = SPEC.signature, timestamp = SPEC.timestamp) =>
  headers({ 'webhook-id': SPEC.id, 'webhook-timestamp': timestamp, 'webhook-signature': signature })

describe('Standard Webhooks verification', () => {
  it('verifies the published example, within five minutes of its timestamp', () => {
    const sent = Number(SPEC.timestamp)
    for (const now of [sent, sent - 300, sent + 300]) assert.equal(verifyStandardWebhooks(SPEC.secret, SPEC.body, specHeaders(), at(now)), 'valid')
    for (const now of [sent - 301, sent + 301]) assert.equal(verifyStandardWebhooks(SPEC.secret, SPEC.body, specHeaders(), at(now)), 'invalid')
  })

  it('takes any matching v1 entry of a space-separated list and ignores other versions', () => {
    const now = at(Number(SPEC.timestamp))
    const rotated = `v1,bm90IHRoaXMgb25l v2,${SPEC.signature.slice(3)} ${SPEC.signature}`
    assert.equal(verifyStandardWebhooks(SPEC.secret, SPEC.body, specHeaders(rotated), now), 'valid')
    assert.equal(verifyStandardWebhooks(SPEC.secret, SPEC.body, specHeaders(`v2,${SPEC.signature.slice(3)}`), now), 'invalid')
  })

  it('is missing without a signature and invalid without id or a numeric timestamp, or with another body', () => {
    const now = at(Number(SPEC.timestamp))
    assert.equal(verifyStandardWebhooks(SPEC.secret, SPEC.body, headers({}), now), 'missing')
    assert.equal(verifyStandardWebhooks(SPEC.secret, SPEC.body, headers({ 'webhook-timestamp': SPEC.timestamp, 'webhook-signature': SPEC.signature }), now), 'invalid')
    assert.equal(verifyStandardWebhooks(SPEC.secret, SPEC.body, specHeaders(SPEC.signature, '1614265330.0'), now), 'invalid')
    assert.equal(verifyStandardWebhooks(SPEC.secret, Buffer.from('{"test": 2432232315}'), specHeaders(), now), 'invalid')
  })

  it('uses a secret without the whsec_ prefix as its UTF-8 bytes', () => {
    const secret = 'plain-ß'
    const signature = 'v1,Y+QReEnPaZupQIxscYu5kr3sqsAzKIS51VhRDcpcdCE='
    const now = at(Number(SPEC.timestamp))
    assert.equal(verifyStandardWebhooks(secret, SPEC.body, specHeaders(signature), now), 'valid')
  })
})

describe('emporix-event-signature verification', () => {
  const secret = 'emporix-secret'
  // base64(HMAC-SHA256('emporix-secret', '{"a":1,"b":{"c":[1,2]}}'))
  const signature = '/69OEuqNPLyhjbCmojmW0Nb675OWKZWNCjNf5xC3RTU='

  it('accepts the raw body, or the body re-serialized with sorted keys', () => {
    assert.equal(verifyEmporix(secret, Buffer.from('{"a":1,"b":{"c":[1,2]}}'), signature), 'valid')
    assert.equal(verifyEmporix(secret, Buffer.from('{ "b": { "c": [1, 2.0] }, "a": 1 }'), signature), 'valid')
  })

  it('refuses another body, another secret, a mangled header; missing without one', () => {
    assert.equal(verifyEmporix(secret, Buffer.from('{"a":2,"b":{"c":[1,2]}}'), signature), 'invalid')
    assert.equal(verifyEmporix(secret, Buffer.from('{"b":{"c":[2,1]},"a":1}'), signature), 'invalid', 'array order counts')
    assert.equal(verifyEmporix('other', Buffer.from('{"a":1,"b":{"c":[1,2]}}'), signature), 'invalid')
    assert.equal(verifyEmporix(secret, Buffer.from('{"a":1,"b":{"c":[1,2]}}'), signature.slice(0, -1)), 'invalid')
    assert.equal(verifyEmporix(secret, Buffer.from('not json'), signature), 'invalid')
    assert.equal(verifyEmporix(secret, Buffer.from('{"a":1}'), undefined), 'missing')
  })
})

describe('acceptance', () => {
  it('needs one valid signature and no invalid one', () => {
    assert.ok(isAccepted({ emporix: 'valid', standardWebhooks: 'valid' }))
    assert.ok(isAccepted({ emporix: 'valid', standardWebhooks: 'missing' }))
    assert.ok(isAccepted({ emporix: 'missing', standardWebhooks: 'valid' }))
    assert.ok(!isAccepted({ emporix: 'missing', standardWebhooks: 'missing' }))
    assert.ok(!isAccepted({ emporix: 'valid', standardWebhooks: 'invalid' }))
    assert.ok(!isAccepted({ emporix: 'invalid', standardWebhooks: 'valid' }))
  })
})
