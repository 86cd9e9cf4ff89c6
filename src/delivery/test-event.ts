/**
 * "Send a test event": one signed request to one configured target, now, outside the outbox, so an
 * integrator can see a receiver answer (or why it does not) before any real change happens. It is signed
 * and addressed exactly as the target's deliveries are, carries the type `webhook.test`, and is not
 * recorded in the delivery log: nothing was published.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { loadRouting, resolveTarget } from '../webhooks/routing.js'
import type { TargetRef } from './target-health.js'
import { createSender } from './sender.js'
import { canonicalJson, deliveryHeaders } from './sign.js'

export const TEST_EVENT_TYPE = 'webhook.test'
/** A test waits less than a delivery attempt would: someone is watching. */
const TEST_TIMEOUT_MS = 10_000

export interface TestEventResult {
  webhookId: string
  url: string
  status: number | null
  durationMs: number
  error: string | null
  responseExcerpt: string | null
}

/** The result of the test request, or undefined when the target is not configured or not active. */
export async function sendTestEvent(db: Kysely<DB>, ref: TargetRef, options: { allowPrivate: boolean; now?: Date }): Promise<TestEventResult | undefined> {
  // The event type only picks a subscription's excluded fields, which a test payload has none of.
  const target = resolveTarget((await loadRouting(db, [ref.tenant])).get(ref.tenant), ref, TEST_EVENT_TYPE)
  if (!target) return undefined
  const now = options.now ?? new Date()
  const event = { id: randomUUID(), type: TEST_EVENT_TYPE, tenant: ref.tenant, subject: 'test', sequence: 0, publishedAt: now }
  const payload = { test: true, message: 'A test event: no segment or assignment changed.', configCode: ref.configCode, targetId: ref.targetId, sentAt: now.toISOString() }
  const body = canonicalJson(payload)
  const headers = deliveryHeaders({ event, body, secretKey: target.secretKey, headers: target.headers, now, svix: target.svix })
  const sender = createSender({ allowPrivate: options.allowPrivate, timeoutMs: TEST_TIMEOUT_MS })
  try {
    const sent = await sender.send({ url: target.url, headers, body })
    return { webhookId: event.id, url: target.url, status: sent.status ?? null, durationMs: sent.durationMs, error: sent.error ?? null, responseExcerpt: sent.excerpt ?? null }
  } finally {
    await sender.close()
  }
}
