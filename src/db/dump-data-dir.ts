/**
 * `segments dump`: the embedded database as a plain SQL script, made by PGlite's own `pg_dump`, for moving
 * to PostgreSQL (`psql -v ON_ERROR_STOP=1 -f dump.sql`, then `DATABASE_URL`) or for a backup. The data
 * dir is locked for the dump, so the service must be stopped: a dump then sees the data at rest. The one
 * setting only PostgreSQL 17 knows (`transaction_timeout`) is left out, so the script loads into older
 * servers too.
 */
import { createWriteStream, existsSync, openSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pgDump } from '@electric-sql/pglite-tools/pg_dump'
import { StartupError } from '../process/startup-error.js'
import { lockDataDir } from './data-dir-lock.js'

const NEWER_SETTINGS = /^SET transaction_timeout = .*;\n/m

export async function dumpDataDir(dataDir: string, output: NodeJS.WritableStream): Promise<void> {
  const pgdata = join(dataDir, 'pgdata')
  if (!existsSync(pgdata)) throw new StartupError(`There is no embedded database in ${dataDir} (DATA_DIR) to dump.`)
  const unlock = lockDataDir(dataDir)
  try {
    const pglite = await PGlite.create(pgdata)
    try {
      const file = await pgDump({ pg: pglite, args: ['--no-owner', '--no-privileges'] })
      const text = (await file.text()).replace(NEWER_SETTINGS, '')
      await new Promise<void>((resolve, reject) => {
        output.once('error', reject)
        output.write(text, (error) => (error ? reject(error) : resolve()))
      })
    } finally {
      await pglite.close()
    }
  } finally {
    unlock()
  }
}

/** The dump into a file, or to standard output. */
export async function dumpCommand(dataDir: string, outputFile: string | undefined): Promise<void> {
  if (!outputFile) return dumpDataDir(dataDir, process.stdout)
  // Opened before anything else, so an existing file is refused at once and left as it is.
  const output = createWriteStream('', { fd: openSync(outputFile, 'wx') })
  try {
    await dumpDataDir(dataDir, output)
  } catch (error) {
    // What was not dumped leaves no file behind, so the next try can use the name.
    await new Promise<void>((resolve) => output.end(resolve))
    rmSync(outputFile, { force: true })
    throw error
  }
  await new Promise<void>((resolve) => output.end(resolve))
}
