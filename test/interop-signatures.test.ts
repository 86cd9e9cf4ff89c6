/**
 * Signatures made by the signer (src/delivery/sign.ts) as receivers check them, for a realistic payload of
 * each of the nine event types: the `standardwebhooks` package's `Webhook.verify`, Emporix's published
 * recipe (parse, re-serialize with `json-stable-stringify`, HMAC, base64), and `segments listen`'s own
 * verifier. The body is exactly what `json-stable-stringify` writes for the payload.
 */
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { describe, it } from 'node:test'
import stringify from 'json-stable-stringify'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { Compile } from 'typebox/compile'
import { canonicalJson, deliveryHeaders, type SignedEvent } from '../src/delivery/sign.js'
import { eventPayloadSchemas, type EventType, eventTypes } from '../src/events/catalogue.js'
import { verifyRequest } from '../src/listen/verify-signatures.js'

const tenant = 'acme'
const metadata = { version: 3, createdAt: '2026-01-02T03:04:05.678Z', modifiedAt: '2026-11-27T10:00:00.001Z' }
const name = { en: 'Golden “VIP” customers', de: 'Goldene Kundinnen & Kunden', ja: 'ゴールド会員 🥇', ar: 'العملاء الذهبيون' }
const mixins = {
  loyalty: { tier: 'gold', points: 12_345, ratio: 0.125, negative: -42.5, big: 1e21, tiny: 1e-7, whole: 10.0, flags: [true, false, null] },
  notes: { text: 'line\nbreak\ttab "quoted" \\ backslash \u2028 sep', emoji: '👩‍💻🚀', lone: '\ud800', zero: '\u0000' },
  nested: { z: { b: [3, { y: 1, x: 2 }], a: {} }, A: [], '10': 'ten', '9': 'nine', ä: 'umlaut' },
}
const customer = { id: 'c-1001', email: 'zoë.o’brien@example.com', firstName: 'Zoë', lastName: 'O’Brien-Łukasiewicz' }
const item = { id: 'p-77', code: 'SKU-77/€', name: { en: 'Espresso machine', fr: 'Machine à expresso', zh: '浓缩咖啡机' } }

/** One realistic payload per event type, each valid against its catalogue schema. */
const PAYLOADS: Record<EventType, Record<string, unknown>> = {
  'customer-segment.segment-created': {
    id: '6750a1b2c3d4e5f601234567',
    name,
    description: { en: 'Customers with > 10 000 € revenue', pl: 'Klienci z przychodem > 10 000 €' },
    validity: { from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' },
    status: 'ACTIVE',
    siteCode: 'main',
    metadata,
    tenant,
  },
  'customer-segment.segment-updated': {
    id: '6750a1b2c3d4e5f601234567',
    name,
    status: 'INACTIVE',
    previousStatus: 'ACTIVE',
    siteCode: 'main',
    mixins,
    metadata: { ...metadata, version: 4, mixins: { loyalty: 'https://res.example.com/mixins/loyalty_v2.json' } },
    tenant,
  },
  'customer-segment.segment-deleted': { id: 'seg/ä-ß 1', tenant },
  'customer-segment.customer-assignment-created': {
    segmentId: '6750a1b2c3d4e5f601234567',
    assignmentType: 'MANUAL',
    customer,
    legalEntity: { id: 'le-9', name: 'Müller & Söhne GmbH' },
    mixins,
    metadata: { ...metadata, version: 1 },
    tenant,
  },
  'customer-segment.customer-assignment-updated': {
    segmentId: '6750a1b2c3d4e5f601234567',
    assignmentType: 'AUTOMATIC',
    customer: { id: 'c-1002' },
    metadata: { ...metadata, version: 2 },
    tenant,
  },
  'customer-segment.customer-assignment-deleted': { customerId: 'c-1001', legalEntityId: 'le-9', segmentId: '6750a1b2c3d4e5f601234567', tenant },
  'customer-segment.item-assignment-created': {
    segmentId: '6750a1b2c3d4e5f601234567',
    type: 'PRODUCT',
    item,
    mixins: { promo: { discountPercent: 12.5, stackable: false } },
    metadata: { ...metadata, version: 1 },
    tenant,
  },
  'customer-segment.item-assignment-updated': {
    segmentId: '6750a1b2c3d4e5f601234567',
    type: 'CATEGORY',
    item: { id: 'cat-coffee', code: 'COFFEE', name: { en: 'Coffee', de: 'Kaffee' } },
    metadata: { ...metadata, version: 7 },
    tenant,
  },
  'customer-segment.item-assignment-deleted': { itemId: 'p-77', segmentId: '6750a1b2c3d4e5f601234567', type: 'PRODUCT', tenant },
}

const WHSEC = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`
/** Plain secrets; the first is also valid base64 text, so a receiver could read it either way. */
const PLAIN = 'PlainTargetSecret2026Abc'
const DASHED = 'my-plain-target-secret'
const NON_ASCII = 'geheimnis-ß-€-🔑'

function signed(type: EventType, secretKey: string, sequence = 42) {
  const payload = PAYLOADS[type]
  const event: SignedEvent = {
    id: '0193a5e2-7c4b-7d2e-9f00-1234567890ab',
    type,
    tenant,
    subject: 'segments/6750a1b2c3d4e5f601234567',
    sequence,
    publishedAt: new Date('2026-11-27T10:00:00.123Z'),
  }
  const body = canonicalJson(payload)
  const headers = deliveryHeaders({ event, body, secretKey, headers: {}, now: new Date() })
  return { payload, body, headers }
}

/** Emporix's documented receiver: parse, re-serialize with json-stable-stringify, HMAC-SHA256, base64, compare. */
function emporixRecipe(secretKey: string, rawBody: string, header: string | undefined): boolean {
  const digest = createHmac('sha256', secretKey).update(stringify(JSON.parse(rawBody)) as string).digest('base64')
  return digest === header
}

const tamper = (body: string) => body.replace('"tenant":"acme"', '"tenant":"evil"')

describe('signature interoperability', () => {
  it('has a realistic payload for every event type, valid against its schema', () => {
    assert.deepEqual(Object.keys(PAYLOADS).sort(), [...eventTypes].sort())
    for (const type of eventTypes) {
      const check = Compile(eventPayloadSchemas[type])
      assert.ok(check.Check(PAYLOADS[type]), `${type}: ${JSON.stringify([...check.Errors(PAYLOADS[type])].slice(0, 2))}`)
    }
  })

  for (const type of eventTypes) {
    describe(type, () => {
      it('sends the bytes json-stable-stringify writes for the payload, and they parse back to it', () => {
        const { payload, body } = signed(type, WHSEC)
        assert.equal(body, stringify(payload))
        assert.deepEqual(JSON.parse(body), payload)
      })

      it('verifies with standardwebhooks for a whsec_ secret', () => {
        const { payload, body, headers } = signed(type, WHSEC)
        assert.deepEqual(new Webhook(WHSEC).verify(body, headers), payload)
        assert.deepEqual(new Webhook(WHSEC.slice('whsec_'.length)).verify(Buffer.from(body), headers), payload, 'the bare base64 key too')
        assert.throws(() => new Webhook(WHSEC).verify(tamper(body), headers), WebhookVerificationError)
      })

      it('verifies with standardwebhooks for a plain secret used as its raw bytes', () => {
        const { payload, body, headers } = signed(type, PLAIN)
        assert.deepEqual(new Webhook(PLAIN, { format: 'raw' }).verify(body, headers), payload)
        // The package's default reads any secret as base64: a plain secret must be passed as raw bytes,
        // else it verifies against other key bytes or, not being base64, is refused outright.
        assert.throws(() => new Webhook(PLAIN).verify(body, headers), WebhookVerificationError)
        assert.throws(() => new Webhook(DASHED), /Base64/)
        const dashed = signed(type, DASHED)
        assert.deepEqual(new Webhook(DASHED, { format: 'raw' }).verify(dashed.body, dashed.headers), payload)
        const unicode = signed(type, NON_ASCII)
        assert.deepEqual(new Webhook(Buffer.from(NON_ASCII, 'utf8'), { format: 'raw' }).verify(unicode.body, unicode.headers), payload)
        // A string in raw format is taken one byte per UTF-16 code unit, not as UTF-8: non-ASCII secrets need the bytes.
        assert.throws(() => new Webhook(NON_ASCII, { format: 'raw' }).verify(unicode.body, unicode.headers), WebhookVerificationError)
      })

      it('verifies with the Emporix recipe, for every kind of secret', () => {
        for (const secret of [WHSEC, PLAIN, DASHED, NON_ASCII]) {
          const { body, headers } = signed(type, secret)
          assert.ok(emporixRecipe(secret, body, headers['emporix-event-signature']), secret)
          assert.equal(headers['emporix-event-signature'], createHmac('sha256', secret).update(body).digest('base64'), 'the raw body verifies too')
          assert.ok(!emporixRecipe(secret, tamper(body), headers['emporix-event-signature']))
          assert.ok(!emporixRecipe(`${secret}x`, body, headers['emporix-event-signature']))
        }
      })

      it('verifies with the verifier of `segments listen`', () => {
        for (const secret of [WHSEC, PLAIN, DASHED, NON_ASCII]) {
          const { body, headers } = signed(type, secret)
          const lookup = (name: string) => headers[name]
          assert.deepEqual(verifyRequest(secret, Buffer.from(body), lookup, new Date()), { emporix: 'valid', standardWebhooks: 'valid' })
          assert.deepEqual(verifyRequest(secret, Buffer.from(tamper(body)), lookup, new Date()), { emporix: 'invalid', standardWebhooks: 'invalid' })
        }
      })
    })
  }
})
