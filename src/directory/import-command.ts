/**
 * `segments import <kind> <file> --tenant T`: the file is opened first (so a wrong path leaves no
 * database behind), pending migrations are applied, and the rows are loaded with a progress bar on a
 * terminal. When `serve` holds the embedded data dir, the rows go through its Directory API instead.
 * Resolves with the exit code: 0 when every row landed, 2 when some were rejected.
 */
import { MultiBar, Presets } from 'cli-progress'
import { resolveSigningKey } from '../auth/signing-key.js'
import type { Config } from '../config.js'
import { dataDirHolder } from '../db/data-dir-lock.js'
import type { Database } from '../db/database.js'
import { StartupError } from '../process/startup-error.js'
import { migrateStore, openStore } from '../process/open-store.js'
import { createLogger } from '../process/logger.js'
import { type DirectoryKind, findKind } from './directory-kinds.js'
import { databaseWriter, type EntryWriter, type ImportHooks, type ImportSummary, importEntries, openImportSource } from './import-file.js'
import { serviceWriter } from './service-writer.js'

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

/** The running service that holds the embedded data dir, if one does. */
async function throughService(config: Config, tenant: string, kind: DirectoryKind<{ id: string }>): Promise<EntryWriter<{ id: string }> | undefined> {
  const holder = config.databaseUrl ? undefined : dataDirHolder(config.dataDir)
  if (!holder) return undefined
  if (!holder.url) throw new StartupError(`The data directory ${config.dataDir} is in use by process ${holder.pid}, which does not serve the API: stop it first.`)
  const key = await resolveSigningKey(config, { create: false })
  if (!key) throw new StartupError('The running service verifies tokens only against AUTH_JWKS_URL, so this command cannot sign one: stop it, or import through its Directory API.')
  console.error(`The service (process ${holder.pid}) holds ${config.dataDir}: importing through its Directory API at ${holder.url}.`)
  return serviceWriter(holder.url, key, tenant, kind, { issuer: config.auth.issuer, audience: config.auth.audience }, config.limits.bodyBytes)
}

export async function runImport(config: Config, kindName: string, file: string, tenant: string): Promise<number> {
  const kind = findKind(kindName) as DirectoryKind<{ id: string }>
  const source = await openImportSource(file)
  const service = await throughService(config, tenant, kind)
  const database = service ? undefined : await openStore(config, createLogger(config))
  const reporter = importReporter(source.total)
  let summary: ImportSummary
  try {
    if (database) await migrateStore(database, config)
    summary = await importEntries(service ?? databaseWriter((database as Database).db, tenant, kind), kind, source, reporter)
  } finally {
    reporter.stop()
    await database?.close()
  }
  console.log(`Imported ${summary.imported} ${kind.name}, ${summary.rejected} rows rejected`)
  return summary.rejected > 0 ? 2 : 0
}
