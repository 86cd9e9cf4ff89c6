/**
 * Creating the embedded database cluster on first start. `initdb` inside PGlite takes about twice the
 * memory of a running database, and WebAssembly memory is never given back, so it runs in a worker
 * thread whose memory goes with it: the service itself then opens a ready cluster like on any later
 * start. The cluster is made in a sibling folder and renamed into place when complete, so a start that
 * is killed half-way leaves nothing that looks like a database.
 */
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { StartupError } from '../process/startup-error.js'

// CommonJS, evaluated in the worker; the module is passed in resolved, so any working directory will do.
const INIT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
import(workerData.module)
  .then(async ({ PGlite }) => {
    const pglite = await PGlite.create(workerData.dir)
    await pglite.close()
    parentPort.postMessage('done')
  })
  .catch((error) => { throw error })
`

/** Makes sure `pgdata` holds a database cluster, creating one when it does not. */
export async function initDataDir(pgdata: string): Promise<void> {
  if (existsSync(`${pgdata}/PG_VERSION`)) return
  if (existsSync(pgdata) && readdirSync(pgdata).length > 0) {
    throw new StartupError(`${pgdata} is not empty but holds no database cluster (no PG_VERSION). Move it away, or set DATA_DIR to another folder.`)
  }
  const staging = `${pgdata}.init-${process.pid}`
  rmSync(staging, { recursive: true, force: true })
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(INIT_WORKER, {
      eval: true,
      workerData: { module: import.meta.resolve('@electric-sql/pglite'), dir: staging },
    })
    let done = false
    worker.once('message', () => {
      done = true
    })
    worker.once('error', reject)
    worker.once('exit', (code) => (done ? resolve() : reject(new Error(`creating the embedded database failed (worker exit code ${code})`))))
  })
  rmSync(pgdata, { recursive: true, force: true })
  renameSync(staging, pgdata)
}
