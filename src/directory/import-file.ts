/**
 * `segments import`: loads directory entries from a file — a JSON array, or NDJSON (one object per line)
 * streamed line by line so a large feed never sits in memory. Each row is checked like an API entry;
 * good rows are written in batches, bad rows are reported by line (NDJSON) or item (array) and skipped.
 */
import { createReadStream } from 'node:fs'
import { open, readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { DirectoryKind } from './directory-kinds.js'
import { writeEntries } from './directory-writes.js'
import { entryChecker } from './entry-check.js'

const BATCH_SIZE = 500
/** Whitespace before the first value, a byte order mark included. */
const LEADING_SPACE = /^[\s\uFEFF]*/

/** The file cannot be read as rows at all (missing, a directory, a JSON array that does not parse). */
export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError'
}

/** A row as read: where it is (`line 17`, `item 17`), its value or why it is not one, and the progress so far. */
interface Row {
  where: string
  value?: unknown
  unparsable?: string
  done: number
}

export interface ImportSource {
  /** The progress unit's total: bytes for NDJSON, items for a JSON array. */
  total: number
  rows(): AsyncIterable<Row>
}

export interface ImportSummary {
  imported: number
  rejected: number
}

export interface ImportHooks {
  /** Called for each bad row, in file order, with `line 17: 'email' must be string`. */
  onRejected(message: string): void
  /** Called after each row with how far through the source the import is (in units of `total`). */
  onProgress?(done: number, summary: ImportSummary): void
}

/** Opens a file for import, telling a JSON array (first non-space character `[`) from NDJSON. */
export async function openImportSource(path: string): Promise<ImportSource> {
  try {
    const { first, size } = await peek(path)
    if (first !== '[') return ndjsonSource(path, size)
    const items: unknown = JSON.parse((await readFile(path, 'utf8')).replace(LEADING_SPACE, ''))
    if (!Array.isArray(items)) throw new SyntaxError('not one JSON array')
    return arraySource(items)
  } catch (error) {
    throw new UnreadableFileError(`Cannot read ${path}: ${(error as Error).message}`)
  }
}

/**
 * Writes a batch of checked entries; resolves with the problems of the entries that were refused all the
 * same, by their index in the batch (a running service may refuse what the file check let through).
 */
export type EntryWriter<E> = (batch: E[]) => Promise<Map<number, string>>

/** Writes straight into the database. */
export function databaseWriter<E extends { id: string }>(db: Kysely<DB>, tenant: string, kind: DirectoryKind<E>): EntryWriter<E> {
  return async (batch) => {
    await writeEntries(db, tenant, kind, batch)
    return new Map()
  }
}

/** Checks and writes every row of `source`; returns how many rows landed and how many were rejected. */
export async function importEntries<E extends { id: string }>(
  write: EntryWriter<E>,
  kind: DirectoryKind<E>,
  source: ImportSource,
  hooks: ImportHooks,
): Promise<ImportSummary> {
  const check = entryChecker(kind)
  const summary: ImportSummary = { imported: 0, rejected: 0 }
  let batch: E[] = []
  let places: string[] = []
  const flush = async () => {
    const refused = await write(batch)
    for (const [index, message] of refused) hooks.onRejected(`${places[index]}: ${message}`)
    summary.imported += batch.length - refused.size
    summary.rejected += refused.size
    batch = []
    places = []
  }
  for await (const row of source.rows()) {
    const checked = row.unparsable === undefined ? check(row.value) : { problem: { message: row.unparsable } }
    if (checked.problem) {
      summary.rejected += 1
      hooks.onRejected(`${row.where}: ${checked.problem.message}`)
    } else {
      batch.push(checked.value)
      places.push(row.where)
      if (batch.length === BATCH_SIZE) await flush()
    }
    hooks.onProgress?.(row.done, summary)
  }
  await flush()
  hooks.onProgress?.(source.total, summary)
  return summary
}

/** The first non-space character (undefined for an empty file) and the file's size. */
async function peek(path: string): Promise<{ first: string | undefined; size: number }> {
  const handle = await open(path)
  try {
    const { size } = await handle.stat()
    const buffer = Buffer.alloc(64 * 1024)
    for (let position = 0; ; ) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position)
      if (bytesRead === 0) return { first: undefined, size }
      const text = buffer.toString('utf8', 0, bytesRead).replace(LEADING_SPACE, '')
      if (text !== '') return { first: text[0], size }
      position += bytesRead
    }
  } finally {
    await handle.close()
  }
}

function arraySource(items: unknown[]): ImportSource {
  return {
    total: items.length,
    async *rows() {
      for (const [i, value] of items.entries()) yield { where: `item ${i + 1}`, value, done: i + 1 }
    },
  }
}

function ndjsonSource(path: string, size: number): ImportSource {
  return {
    total: size,
    async *rows() {
      const stream = createReadStream(path, { encoding: 'utf8' })
      const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })
      let number = 0
      try {
        for await (const line of lines) {
          number += 1
          const text = number === 1 ? line.replace(LEADING_SPACE, '') : line
          // Blank lines (a trailing newline, spacing) are not rows, but they still count for line numbers.
          if (text.trim() === '') continue
          yield { where: `line ${number}`, ...parseLine(text), done: stream.bytesRead }
        }
      } catch (error) {
        throw new UnreadableFileError(`Cannot read ${path} after line ${number}: ${(error as Error).message}`)
      } finally {
        lines.close()
        stream.destroy()
      }
    },
  }
}

function parseLine(text: string): { value?: unknown; unparsable?: string } {
  try {
    return { value: JSON.parse(text) }
  } catch (error) {
    return { unparsable: `not valid JSON (${(error as Error).message})` }
  }
}
