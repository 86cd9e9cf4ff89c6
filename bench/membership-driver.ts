/**
 * The load generator for bench/membership.ts, run as a child process so that autocannon does not share
 * the service's event loop (it still shares the machine's cores). It receives one scenario at a time
 * over IPC — a list of prepared requests to rotate through — runs autocannon (warm-up, then the measured
 * run) and answers with a summary and every response time of the measured run, so that runs of the same
 * read can be put together.
 */
import autocannon from 'autocannon'

export interface PreparedRequest {
  method: 'GET' | 'POST'
  path: string
  /** A bearer token for this request (customer tokens differ per request). */
  token: string
  body?: string
}

export interface MembershipScenario {
  type: 'run'
  label: string
  origin: string
  requests: PreparedRequest[]
  connections: number
  warmupSeconds: number
  durationSeconds: number
}

export interface MembershipSummary {
  type: 'result'
  label: string
  requests: number
  seconds: number
  reqPerSec: number
  p50: number
  p90: number
  p99: number
  max: number
  errors: number
  timeouts: number
  statusCodes: Record<string, number>
  /** Every response time of the measured run, ms (autocannon's percentiles above are whole ms). */
  latencies: number[]
}

export type MembershipDriverMessage = MembershipSummary | { type: 'error'; message: string }

async function run(scenario: MembershipScenario): Promise<MembershipSummary> {
  // One counter for all connections: consecutive requests take consecutive prepared requests.
  let counter = Math.floor(Math.random() * scenario.requests.length)
  const next = scenario.requests
  const latencies: number[] = []
  const instance = autocannon({
    url: scenario.origin,
    title: scenario.label,
    connections: scenario.connections,
    duration: scenario.durationSeconds,
    ...(scenario.warmupSeconds > 0 ? { warmup: { connections: scenario.connections, duration: scenario.warmupSeconds } } : {}),
    timeout: 10,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => {
          const prepared = next[counter++ % next.length]
          request.method = prepared.method
          request.path = prepared.path
          request.headers = { ...request.headers, authorization: `Bearer ${prepared.token}` }
          request.body = prepared.body ?? ''
          return request
        },
      },
    ],
  })
  // The instance returned reports the measured run's responses only (the warm-up has a tracker of its own).
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime))
  const result = await instance
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]))
  return {
    type: 'result',
    label: scenario.label,
    requests: result.requests.total,
    seconds: result.duration,
    reqPerSec: result.requests.total / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    latencies,
  }
}

// Only when forked by bench/membership.ts.
if (process.send && process.env.BENCH_MEMBERSHIP_DRIVER === '1') {
  process.on('message', (message: MembershipScenario | { type: 'exit' }) => {
    if (message.type === 'exit') process.exit(0)
    run(message).then(
      (summary) => process.send?.(summary),
      (error: unknown) => process.send?.({ type: 'error', message: String((error as Error)?.stack ?? error) }),
    )
  })
}
