/**
 * What every benchmark needs around its measurements: cleanups undone in reverse (also on Ctrl-C), a
 * fresh PostgreSQL database that is always dropped, and a main that reports failure without a stack dump
 * when interrupted.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { loadConfig } from '../src/config.js'
import { type RunningServer, startServer } from '../src/process/serve.js'

/** The PostgreSQL server a benchmark creates its database on: BENCH_DATABASE_URL, DATABASE_URL or the local one. */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'

/** A positive integer setting from the environment, or `fallback` when unset. */
export function intEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got '${raw}'`)
  return value
}

/** A TCP port on loopback that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

const cleanups: { name: string; run: () => Promise<void> }[] = []
let cleaning: Promise<void> | undefined
let interrupted = false

export function onCleanup(name: string, run: () => Promise<void>): void {
  cleanups.push({ name, run })
}

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, run } of cleanups.reverse()) {
      try {
        await run()
      } catch (error) {
        console.error(`cleanup '${name}' failed:`, error)
      }
    }
  })()
  return cleaning
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true
    console.error(`\n${signal}: cleaning up…`)
    void cleanup().finally(() => process.exit(130))
  })
}

async function withClient<T>(url: string, action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await action(client)
  } finally {
    await client.end()
  }
}

/** Creates `<prefix>_<random>` next to `adminUrl`'s database, dropped at cleanup; returns its URL. */
export async function createFreshDatabase(adminUrl: string, prefix: string): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  await withClient(adminUrl, (c) => c.query(`create database ${name}`))
  onCleanup(`drop database ${name}`, () =>
    withClient(adminUrl, async (client) => {
      // pg-pool's end() resolves before its sockets are closed; wait (briefly) for the sessions to go.
      for (let i = 0; i < 50; i++) {
        const { rows } = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name])
        if (rows[0].n === 0) break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      await client.query(`drop database if exists ${name} with (force)`)
    }),
  )
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/**
 * `PostgreSQL <version>, fresh database <url>` (password hidden), for a report's header. Asks on
 * `client` when given, else on a connection of its own.
 */
export async function describeDatabase(url: string, client?: pg.Client): Promise<string> {
  const redacted = new URL(url)
  redacted.password = redacted.password ? '***' : ''
  const showVersion = (c: pg.Client) => c.query<{ server_version: string }>('show server_version')
  const version = (await (client ? showVersion(client) : withClient(url, showVersion))).rows[0].server_version
  return `PostgreSQL ${version}, fresh database ${redacted.toString()}`
}

/** Starts the service in this process (loopback, free port, LOG_LEVEL=warn) on `databaseUrl`; closed at cleanup. */
export async function startBenchService(databaseUrl: string, settings: { authSecret: string; poolSize: number }): Promise<RunningServer> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: String(settings.poolSize),
    AUTH_SECRET: settings.authSecret,
    LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
  })
  const server = await startServer(config)
  onCleanup('service', () => server.close())
  return server
}

/** Runs the benchmark, then the cleanups; exit code 1 when it failed (not when it was interrupted). */
export async function runBenchmark(main: () => Promise<void>): Promise<void> {
  try {
    await main()
  } catch (error) {
    if (!interrupted) {
      console.error('benchmark failed:', error)
      process.exitCode = 1
    }
  } finally {
    await cleanup()
  }
}

/**
 * Forks a load driver (autocannon in its own process, so it does not share the service's event loop)
 * and sends it one scenario at a time; the driver answers each with its summary or `{type:'error'}`.
 */
export function startDriver<Scenario, Summary>(file: string, envFlag: string): { pid: number | undefined; run: (scenario: Scenario) => Promise<Summary> } {
  const child: ChildProcess = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    env: { ...process.env, [envFlag]: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  onCleanup('load driver', async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.send({ type: 'exit' })
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL')
          resolve()
        }, 2000)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  })
  return {
    pid: child.pid,
    run: (scenario) =>
      new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`load driver exited (${code})`))
        child.once('exit', onExit)
        child.once('message', (message: Summary | { type: 'error'; message: string }) => {
          child.off('exit', onExit)
          const failed = message as { type?: string; message?: string }
          if (failed.type === 'error') reject(new Error(`load driver: ${failed.message}`))
          else resolve(message as Summary)
        })
        child.send(scenario as object)
      }),
  }
}
