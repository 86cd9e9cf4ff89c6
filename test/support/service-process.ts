/**
 * `segments serve` and `segments worker` as processes of their own, for tests that must see a process
 * survive (or stop): started from the compiled build, their JSON log lines collected, ready when they say
 * so, and killed when the test file ends.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { after } from 'node:test'
import { CLI, ROOT } from './cli-path.js'

export interface LogLine {
  level: number
  msg: string
  [key: string]: unknown
}

export interface ServiceProcess {
  child: ChildProcess
  /** `http://127.0.0.1:{port}` for `serve`; undefined for `worker`. */
  url?: string
  /** Every JSON log line so far. */
  readonly logs: LogLine[]
  /** Lines whose message starts with `prefix`. */
  logged(prefix: string): LogLine[]
  /** True while the process runs. */
  alive(): boolean
  /** What it wrote to stderr (a crash's stack). */
  stderr(): string
  /** SIGTERM, then resolves with the exit code (or signal). */
  stop(): Promise<number | string>
}

const running: ChildProcess[] = []

/** The last log lines, for a failure's message: a process that fails to start says why in its log, not on stderr. */
const lastLines = (logs: LogLine[], count = 5) =>
  logs.length === 0 ? '' : `\nits last log lines:\n${logs.slice(-count).map((line) => JSON.stringify(line)).join('\n')}`

after(() => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

/**
 * Starts `segments <command>` with `env` (on top of PATH) and resolves once it is ready; `onLog` sees
 * each log line as it comes, before then too.
 */
export async function startService(
  command: 'serve' | 'worker',
  env: Record<string, string>,
  readyWithinMs = 30_000,
  onLog: (line: LogLine) => void = () => {},
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...CLI, command], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.push(child)
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string)
  const logs: LogLine[] = []
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk
  })
  const ready = new Promise<string | undefined>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let entry: LogLine
      try {
        entry = JSON.parse(line)
      } catch {
        return
      }
      logs.push(entry)
      onLog(entry)
      const listening = /^listening on (http:\/\/[^ ]+)/.exec(entry.msg)
      if (listening) resolve(listening[1])
      if (entry.msg === 'delivery worker ready') resolve(undefined)
    })
    exited.then((code) => reject(new Error(`segments ${command} exited (${code}) before it was ready: ${stderr}${lastLines(logs)}`)))
  })
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`segments ${command} not ready within ${readyWithinMs} ms: ${stderr}${lastLines(logs)}`)), readyWithinMs)
  })
  const url = await Promise.race([ready, timeout]).finally(() => clearTimeout(timer))
  return {
    child,
    url,
    logs,
    logged: (prefix) => logs.filter((line) => line.msg.startsWith(prefix)),
    alive: () => child.exitCode === null && child.signalCode === null,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}
