/**
 * `segments import <kind> <file> --tenant T`: the file is opened first (so a wrong path leaves no
 * database behind), pending migrations are applied, and the rows are loaded with a progress bar on a
 * terminal. Resolves with the exit code: 0 when every row landed, 2 when some were rejected.
 */
import { MultiBar, Presets } from 'cli-progress'
import type { Config } from '../config.js'
import { migrateStore, openStore } from '../process/open-store.js'
import { createLogger } from '../process/logger.js'
import { type DirectoryKind, findKind } from './directory-kinds.js'
import { type ImportHooks, type ImportSummary, importEntries, openImportSource } from './import-file.js'

/** On a terminal: a progress bar on stderr, with each rejection printed above it. Elsewhere: plain lines. */
function importReporter(total: number): ImportHooks & { stop(): void } {
  if (!process.stderr.isTTY) return { onRejected: (message) => console.error(message), stop: () => {} }
  const bars = new MultiBar(
    { stream: process.stderr, hideCursor: true, format: ' {bar} {percentage}% | {imported} imported, {rejected} rejected' },
    Presets.shades_classic,
  )
  const bar = bars.create(total, 0, { imported: 0, rejected: 0 })
  return {
    onRejected: (message) => bars.log(`${message}\n`),
    onProgress: (done, summary) => bar.update(done, summary),
    stop: () => {
      // stop() alone would drop rejections logged since the last redraw.
      bars.update()
      bars.stop()
    },
  }
}

export async function runImport(config: Config, kindName: string, file: string, tenant: string): Promise<number> {
  const kind = findKind(kindName) as DirectoryKind<{ id: string }>
  const source = await openImportSource(file)
  const database = await openStore(config, createLogger(config))
  const reporter = importReporter(source.total)
  let summary: ImportSummary
  try {
    await migrateStore(database, config)
    summary = await importEntries(database.db, tenant, kind, source, reporter)
  } finally {
    reporter.stop()
    await database.close()
  }
  console.log(`Imported ${summary.imported} ${kind.name}, ${summary.rejected} rows rejected`)
  return summary.rejected > 0 ? 2 : 0
}
