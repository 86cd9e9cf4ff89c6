/**
 * The webhook receiver for bench/delivery.ts, run as a child process so that it does not share the
 * service's event loop. It accepts every POST with 204 and, per measurement window, counts deliveries
 * per target path, the commit-to-delivery latency (arrival time minus `emporix-event-publish-time`) and
 * duplicates (a `webhook-id` seen twice on one path).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export type ReceiverCommand = { type: 'reset' } | { type: 'stats' } | { type: 'exit' }

export interface ReceiverStats {
  type: 'stats'
  deliveries: number
  perPath: Record<string, number>
  duplicates: number
  /** Epoch milliseconds of the first and last arrival in the window. */
  firstAt: number
  lastAt: number
  latency: { p50: number; p90: number; p99: number; max: number }
}

let latencies: number[] = []
let perPath: Record<string, number> = {}
let seen = new Set<string>()
let duplicates = 0
let firstAt = 0
let lastAt = 0

function reset(): void {
  latencies = []
  perPath = {}
  seen = new Set()
  duplicates = 0
  firstAt = 0
  lastAt = 0
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

function stats(): ReceiverStats {
  const sorted = Float64Array.from(latencies).sort()
  const list = Array.from(sorted)
  return {
    type: 'stats',
    deliveries: latencies.length,
    perPath,
    duplicates,
    firstAt,
    lastAt,
    latency: { p50: percentile(list, 50), p90: percentile(list, 90), p99: percentile(list, 99), max: list.at(-1) ?? Number.NaN },
  }
}

const server = createServer((request, response) => {
  request.resume()
  request.on('end', () => {
    const now = Date.now()
    const publishTime = request.headers['emporix-event-publish-time']
    const id = request.headers['webhook-id']
    if (request.method === 'POST' && typeof publishTime === 'string' && typeof id === 'string') {
      latencies.push(now - Date.parse(publishTime))
      const path = request.url ?? '/'
      perPath[path] = (perPath[path] ?? 0) + 1
      const key = `${path} ${id}`
      if (seen.has(key)) duplicates++
      else seen.add(key)
      if (firstAt === 0) firstAt = now
      lastAt = now
    }
    response.writeHead(204).end()
  })
})
server.keepAliveTimeout = 60_000

if (process.send && process.env.BENCH_DELIVERY_RECEIVER === '1') {
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port })
  })
  process.on('message', (message: ReceiverCommand) => {
    if (message.type === 'exit') process.exit(0)
    if (message.type === 'reset') {
      reset()
      process.send?.({ type: 'reset' })
    }
    if (message.type === 'stats') process.send?.(stats())
  })
}
