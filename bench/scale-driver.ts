/**
 * The load generator for bench/scale.ts, run as a child process so that autocannon's CPU is not the
 * orchestrator's (it still shares the machine's cores). Per scenario it runs two autocannon instances at
 * once against the same list of service origins — writes (a new customer assignment each, so every
 * request commits a row and an outbox event) and storefront reads (prepared customer-token requests) —
 * and answers with one summary per kind, so each has its own latency.
 */
import autocannon from 'autocannon'

export interface ScaleScenario {
  type: 'run'
  label: string
  /** `http://127.0.0.1:port` of each API process; autocannon spreads each kind's connections over them. */
  origins: string[]
  write: { connections: number; token: string; tenant: string; segments: number }
  read: { connections: number; requests: { path: string; token: string }[] }
  warmupSeconds: number
  durationSeconds: number
}

export interface KindSummary {
  requests: number
  seconds: number
  reqPerSec: number
  p50: number
  p99: number
  errors: number
  timeouts: number
  statusCodes: Record<string, number>
}

export interface ScaleSummary {
  type: 'result'
  label: string
  write: KindSummary
  read: KindSummary
}

// Write ids are unique across scenarios and runs of this process: every PUT creates an assignment.
let writeCounter = 0
const runId = Math.random().toString(36).slice(2, 8)

function writeRequest(write: ScaleScenario['write']): autocannon.Request {
  return {
    method: 'PUT',
    headers: { authorization: `Bearer ${write.token}`, 'content-type': 'application/json' },
    setupRequest: (request) => {
      const n = writeCounter++
      request.path = `/customer-segment/${write.tenant}/segments/s${n % write.segments}/customers/w${runId}-${n.toString(36)}`
      request.body = '{}'
      return request
    },
  }
}

function readRequest(read: ScaleScenario['read']): autocannon.Request {
  let counter = Math.floor(Math.random() * read.requests.length)
  return {
    method: 'GET',
    setupRequest: (request) => {
      const prepared = read.requests[counter++ % read.requests.length]
      request.path = prepared.path
      request.headers = { ...request.headers, authorization: `Bearer ${prepared.token}` }
      return request
    },
  }
}

function summarize(result: autocannon.Result): KindSummary {
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]))
  return {
    requests: result.requests.total,
    seconds: result.duration,
    reqPerSec: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  }
}

async function run(scenario: ScaleScenario): Promise<ScaleSummary> {
  const load = (kind: 'write' | 'read', connections: number, request: autocannon.Request) =>
    autocannon({
      url: scenario.origins,
      title: `${scenario.label} ${kind}`,
      connections,
      duration: scenario.durationSeconds,
      ...(scenario.warmupSeconds > 0 ? { warmup: { connections, duration: scenario.warmupSeconds } } : {}),
      timeout: 10,
      requests: [request],
    })
  const [write, read] = await Promise.all([
    load('write', scenario.write.connections, writeRequest(scenario.write)),
    load('read', scenario.read.connections, readRequest(scenario.read)),
  ])
  return { type: 'result', label: scenario.label, write: summarize(write), read: summarize(read) }
}

// Only when forked by bench/scale.ts.
if (process.send && process.env.BENCH_SCALE_DRIVER === '1') {
  process.on('message', (message: ScaleScenario | { type: 'exit' }) => {
    if (message.type === 'exit') process.exit(0)
    run(message).then(
      (summary) => process.send?.(summary),
      (error: unknown) => process.send?.({ type: 'error', message: String((error as Error)?.stack ?? error) }),
    )
  })
}
