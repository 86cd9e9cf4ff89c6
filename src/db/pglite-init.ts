/**
 * Creating the embedded database cluster on first start. `initdb` inside PGlite takes about twice the
 * memory of a running database, and memory a process has once used is not all given back (WebAssembly
 * memory never is, the allocator's arenas rarely are), so it runs in a child process whose memory goes
 * with it: the service itself then opens a ready cluster like on any later start. The cluster is made in a
 * sibling folder and renamed into place when complete, so a start that is killed half-way leaves nothing
 * that looks like a database.
 */
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { StartupError } from '../process/startup-error.js'

/** The child's own module, compiled or not, as this one is. */
const CHILD = new URL(`./pglite-init-child${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)

/** Makes sure `pgdata` holds a database cluster, creating one when it does not. */
export async function initDataDir(pgdata: string): Promise<void> {
  if (existsSync(`${pgdata}/PG_VERSION`)) return
  if (existsSync(pgdata) && readdirSync(pgdata).length > 0) {
    throw new StartupError(`${pgdata} is not empty but holds no database cluster (no PG_VERSION). Move it away, or set DATA_DIR to another folder.`)
  }
  const staging = `${pgdata}.init-${process.pid}`
  rmSync(staging, { recursive: true, force: true })
  const child = fork(CHILD, [staging], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk
  })
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null]
  if (code !== 0) throw new Error(`creating the embedded database failed (${signal ?? `exit code ${code}`}): ${stderr.trim()}`)
  rmSync(pgdata, { recursive: true, force: true })
  renameSync(staging, pgdata)
}
