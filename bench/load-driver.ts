/**
 * The load generator for bench/api.ts, run as a child process so that autocannon does not share the
 * service's event loop (it still shares the machine's cores). It receives one scenario at a time over
 * IPC, runs autocannon (warm-up, then the measured run) and answers with a summary.
 */
import autocannon from 'autocannon'
import { segmentId, siteOf } from './dataset.js'

export type ScenarioKind = 'get' | 'put' | 'list'

export interface ScenarioRequest {
  type: 'run'
  label: string
  kind: ScenarioKind
  /** The collection URL, e.g. `http://127.0.0.1:1234/customer-segment/bench/segments`. */
  base: string
  token?: string
  segmentCount: number
  siteCount: number
  connections: number
  warmupSeconds: number
  durationSeconds: number
}

export interface ScenarioSummary {
  type: 'result'
  label: string
  requests: number
  /** Requests sent during the warm-up that preceded the measured run. */
  warmupRequests: number
  seconds: number
  reqPerSec: number
  p50: number
  p99: number
  non2xx: number
  errors: number
  timeouts: number
  statusCodes: Record<string, number>
}

export type DriverMessage = ScenarioSummary | { type: 'error'; message: string }

// One counter for all connections of this process: consecutive requests get consecutive ids, so
// concurrent requests never touch the same row (10,000 ids, at most a few dozen in flight).
let counter = Math.floor(Math.random() * 1_000_000)

function requestFor(scenario: ScenarioRequest): autocannon.Request {
  const path = new URL(scenario.base).pathname
  switch (scenario.kind) {
    case 'get':
      return {
        method: 'GET',
        setupRequest: (request) => {
          request.path = `${path}/${segmentId(counter++ % scenario.segmentCount)}`
          return request
        },
      }
    case 'put':
      return {
        method: 'PUT',
        setupRequest: (request) => {
          const n = counter++
          const index = n % scenario.segmentCount
          const id = segmentId(index)
          request.path = `${path}/${id}`
          // The revision makes every request a real change: a row update and an outbox event.
          request.body = JSON.stringify({
            name: { en: `Segment ${id} rev ${n}` },
            description: { en: `Benchmark segment ${index}` },
            status: n % 2 === 0 ? 'ACTIVE' : 'INACTIVE',
            siteCode: siteOf(index, scenario.siteCount),
          })
          return request
        },
      }
    case 'list':
      return {
        method: 'GET',
        setupRequest: (request) => {
          const site = `site-${counter++ % scenario.siteCount}`
          request.path = `${path}?q=siteCode:${site}&pageSize=60&pageNumber=2`
          return request
        },
      }
  }
}

async function run(scenario: ScenarioRequest): Promise<ScenarioSummary> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (scenario.token) headers.authorization = `Bearer ${scenario.token}`
  const result = await autocannon({
    url: new URL(scenario.base).origin,
    title: scenario.label,
    connections: scenario.connections,
    duration: scenario.durationSeconds,
    ...(scenario.warmupSeconds > 0 ? { warmup: { connections: scenario.connections, duration: scenario.warmupSeconds } } : {}),
    timeout: 10,
    headers,
    requests: [requestFor(scenario)],
  })
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]))
  return {
    type: 'result',
    label: scenario.label,
    requests: result.requests.total,
    warmupRequests: result.warmup?.requests.total ?? 0,
    seconds: result.duration,
    reqPerSec: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  }
}

// Only when forked by bench/api.ts (tsx itself gives processes an IPC channel).
if (process.send && process.env.BENCH_LOAD_DRIVER === '1') {
  process.on('message', (message: ScenarioRequest | { type: 'exit' }) => {
    if (message.type === 'exit') process.exit(0)
    run(message).then(
      (summary) => process.send?.(summary),
      (error: unknown) => process.send?.({ type: 'error', message: String((error as Error)?.stack ?? error) }),
    )
  })
}
