/**
 * `segments listen` as a child process for tests: started on a free port, its stdout read line by line,
 * killed when the test file ends.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { after } from 'node:test'
import { CLI as SEGMENTS } from './cli-path.js'

/** The command line that runs `segments listen`. */
export const CLI = [...SEGMENTS, 'listen']

export interface Listener {
  child: ChildProcess
  url: string
  /** Resolves with the next `count` lines printed on stdout. */
  lines(count: number): Promise<string[]>
  stderr(): string
}

const running: ChildProcess[] = []

after(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL')
})

export async function startListener(args: string[]): Promise<Listener> {
  const child = spawn(process.execPath, [...CLI, '--port', '0', ...args], { env: { PATH: process.env.PATH } })
  running.push(child)
  let stdout = ''
  let stderr = ''
  const waiters: (() => void)[] = []
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk
    for (const wake of waiters.splice(0)) wake()
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk
      const match = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)
      if (match) resolve(match[1])
    })
    child.once('exit', (code) => reject(new Error(`listen exited with ${code}: ${stderr}`)))
  })
  let consumed = 0
  return {
    child,
    url,
    stderr: () => stderr,
    async lines(count) {
      for (;;) {
        const all = stdout.split('\n').slice(0, -1)
        if (all.length >= consumed + count) {
          const next = all.slice(consumed, consumed + count)
          consumed += count
          return next
        }
        await new Promise<void>((resolve) => waiters.push(resolve))
      }
    },
  }
}

