/**
 * Helpers for the delivery suites: a real HTTP receiver on loopback that records what arrives and answers
 * as told, webhook configs and subscriptions written straight into their tables (in their stored shape),
 * and a bounded wait.
 */
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Kysely } from 'kysely'
import type { DB } from '../../src/db/schema.js'
import type { StoredEntry, StoredHttpConfiguration } from '../../src/webhooks/stored-config.js'

export interface Received {
  path: string
  headers: IncomingHttpHeaders
  body: string
  /** Milliseconds since the epoch when the request ended. */
  at: number
}

export interface Reply {
  status?: number
  headers?: Record<string, string>
  body?: string
  delayMs?: number
}

export interface Receiver {
  /** `http://127.0.0.1:{port}` */
  readonly url: string
  readonly requests: Received[]
  /** Decides each answer (default 204); may be replaced at any time. */
  reply: (request: Received) => Reply
  /** Requests to `path` whose `webhook-id` is `id` (or all of them to the path). */
  to(path: string, id?: string): Received[]
  /** Stops listening (connections are cut): the receiver is down. */
  down(): Promise<void>
  /** Listens again, on the same port. */
  up(): Promise<void>
  close(): Promise<void>
}

export async function startReceiver(reply: (request: Received) => Reply = () => ({})): Promise<Receiver> {
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const requests: Received[] = []
  let port = 0
  let server: Server

  const answer = (res: ServerResponse, { status = 204, headers = {}, body }: Reply) => {
    res.writeHead(status, headers)
    res.end(body)
  }

  const listen = async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const received: Received = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() }
        requests.push(received)
        const planned = receiver.reply(received)
        if (!planned.delayMs) return answer(res, planned)
        const timer = setTimeout(() => {
          timers.delete(timer)
          answer(res, planned)
        }, planned.delayMs)
        timers.add(timer)
      })
    })
    server.on('connection', (socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    server.listen(port, '127.0.0.1')
    await once(server, 'listening')
    port = (server.address() as AddressInfo).port
  }

  const stop = async () => {
    for (const timer of timers) clearTimeout(timer)
    timers.clear()
    for (const socket of sockets) socket.destroy()
    if (server.listening) await new Promise((resolve) => server.close(resolve))
  }

  await listen()
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply,
    to: (path, id) => requests.filter((r) => r.path === path && (id === undefined || r.headers['webhook-id'] === id)),
    down: stop,
    up: listen,
    close: stop,
  }
  return receiver
}

/** An entry in its stored shape: a fresh id, active, inheriting the subscription's excluded fields. */
export function entry(fields: Partial<StoredEntry> & { eventType: string }): StoredEntry {
  return { id: randomUUID(), excludedFields: null, active: true, ...fields }
}

/** Writes (or replaces) the tenant's `http` config as stored. */
export async function configureWebhook(
  db: Kysely<DB>,
  tenant: string,
  configuration: Partial<StoredHttpConfiguration>,
  active = true,
): Promise<StoredHttpConfiguration> {
  const stored: StoredHttpConfiguration = { eventsConfiguration: [], ...configuration }
  const now = new Date()
  await db
    .insertInto('webhook_config')
    .values({ tenant, code: 'http', provider: 'HTTP', active, configuration: JSON.stringify(stored), created_at: now, modified_at: now })
    .onConflict((oc) => oc.columns(['tenant', 'code']).doUpdateSet({ active, configuration: JSON.stringify(stored), modified_at: now }))
    .execute()
  return stored
}

/** Subscribes the tenant to the event types (or unsubscribes them with `subscribed: false`). */
export async function subscribe(
  db: Kysely<DB>,
  tenant: string,
  eventTypes: readonly string[],
  { subscribed = true, excludedFields = [] as string[] } = {},
): Promise<void> {
  const now = new Date()
  for (const eventType of eventTypes) {
    await db
      .insertInto('event_subscription')
      .values({ tenant, event_type: eventType, subscribed, excluded_fields: JSON.stringify(excludedFields), version: 1, created_at: now, modified_at: now })
      .onConflict((oc) =>
        oc.columns(['tenant', 'event_type']).doUpdateSet({ subscribed, excluded_fields: JSON.stringify(excludedFields), modified_at: now }),
      )
      .execute()
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(20)
  }
}

/** The delivery rows of a tenant, oldest first, with what the log needs for assertions. */
export function deliveriesOf(db: Kysely<DB>, tenant: string) {
  return db
    .selectFrom('delivery')
    .innerJoin('outbox_event', 'outbox_event.sequence', 'delivery.event_sequence')
    .select([
      'delivery.id',
      'delivery.target_id',
      'delivery.state',
      'delivery.attempts',
      'delivery.last_status',
      'delivery.last_error',
      'delivery.locked_by',
      'outbox_event.id as event_id',
      'outbox_event.type',
    ])
    .where('delivery.tenant', '=', tenant)
    .orderBy('delivery.id')
    .execute()
}
