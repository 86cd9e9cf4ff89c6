/**
 * An exclusive lock on the embedded data directory. PGlite has no cross-process lock of its own, and two
 * processes writing one data directory would corrupt it, so the second one must refuse to start. The lock
 * file holds the holder's process id and, once `serve` listens, its address: `segments import` then sends
 * through the running service instead.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { StartupError } from '../process/startup-error.js'

export class DataDirLockedError extends StartupError {
  override name = 'DataDirLockedError'
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const lockFile = (dataDir: string) => join(dataDir, 'segments.lock')

/** The live process (not this one) the lock file names, and where it serves, if it says so. */
function holderOf(file: string): { pid: number; url?: string } | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  const [pid, url] = text.split('\n')
  const holder = Number.parseInt(pid, 10)
  if (!Number.isInteger(holder) || holder === process.pid || !isAlive(holder)) return undefined
  return url ? { pid: holder, url } : { pid: holder }
}

/** The process holding the data directory (not this one), and where it serves, if it says so. */
export function dataDirHolder(dataDir: string): { pid: number; url?: string } | undefined {
  return holderOf(lockFile(dataDir))
}

/**
 * Notes in this process's lock where it serves the API. The new text replaces the file in one rename, so a
 * process reading the lock never sees it empty (and never takes it for a stale one).
 */
export function recordServiceUrl(dataDir: string, url: string): void {
  const file = lockFile(dataDir)
  writeFileSync(`${file}.${process.pid}`, `${process.pid}\n${url}\n`)
  renameSync(`${file}.${process.pid}`, file)
}

/** Takes the lock or throws DataDirLockedError; returns the function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const file = lockFile(dataDir)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = holderOf(file)?.pid
      if (holder !== undefined) {
        throw new DataDirLockedError(
          `The data directory ${dataDir} is in use by process ${holder}. ` +
            'Stop that process, or use another DATA_DIR; to run several processes, use PostgreSQL (DATABASE_URL).',
        )
      }
      // The holder is gone (or the file is ours from a crash): the lock is stale.
      rmSync(file, { force: true })
    }
  }
  throw new DataDirLockedError(`Could not lock the data directory ${dataDir}`)
}
