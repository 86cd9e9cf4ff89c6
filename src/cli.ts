/**
 * The `segments` command: `serve`, `worker`, `migrate`, `token`, `import`, `listen`. Run in the repository as `npm run segments -- <command>`.
 */
import { MultiBar, Presets } from 'cli-progress'
import { Command, InvalidArgumentError } from 'commander'
import { Value } from 'typebox/value'
import { SCOPES } from './auth/principal.js'
import { mintToken } from './auth/mint-token.js'
import { resolveSigningSecret } from './auth/signing-key.js'
import { ConfigError, loadConfig } from './config.js'
import { DataDirLockedError } from './db/data-dir-lock.js'
import { migrate } from './db/migrate.js'
import { type DirectoryKind, directoryKinds, findKind } from './directory/directory-kinds.js'
import { type ImportHooks, type ImportSummary, importEntries, openImportSource, UnreadableFileError } from './directory/import-file.js'
import { TenantParam } from './http/routes/common.js'
import { listen } from './listen/listen.js'
import { openConfiguredDatabase, serve } from './server.js'
import { work } from './worker-process.js'

const program = new Command('segments')
  .description('Customer Segment Service: segments, assignments and signed webhook events.')
  .showHelpAfterError()

program
  .command('serve')
  .description('Run the HTTP API (what `npm start` runs). Configuration comes from the environment; see README.')
  .action(async () => {
    await serve(loadConfig())
  })

program
  .command('worker')
  .description('Run only the webhook delivery engine (dispatcher and worker), no HTTP API; run several against one PostgreSQL to scale out.')
  .action(async () => {
    await work(loadConfig())
  })

program
  .command('migrate')
  .description('Apply pending database migrations and exit (serve also applies them at start).')
  .action(async () => {
    const database = await openConfiguredDatabase(loadConfig())
    try {
      const applied = await migrate(database)
      console.log(applied.length ? `Applied ${applied.join(', ')}` : 'The schema is up to date.')
    } finally {
      await database.close()
    }
  })

function ttl(value: string): string {
  if (!/^\d+\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)$/.test(value)) {
    throw new InvalidArgumentError('Use a number and a unit, e.g. 30m, 1h, 7d.')
  }
  return value
}

program
  .command('token')
  .description('Print a bearer token signed with the secret the server uses (AUTH_SECRET or the data dir secret).')
  .requiredOption('--tenant <tenant>', 'tenant the token is for')
  .option('--scopes <scopes>', 'space-separated scopes', Object.values(SCOPES).filter((s) => !s.endsWith('_own')).join(' '))
  .option('--customer <id>', 'customerId claim (customer tokens)')
  .option('--legal-entity <id>', 'legalEntityId claim (B2B customer tokens)')
  .option('--ttl <duration>', 'lifetime, e.g. 30m, 1h, 7d', ttl, '1h')
  .action(async (options: { tenant: string; scopes: string; customer?: string; legalEntity?: string; ttl: string }) => {
    const config = loadConfig()
    const secret = resolveSigningSecret(config, { create: true })
    if (!secret) throw new ConfigError('Tokens are verified against AUTH_JWKS_URL; get them from that identity provider.')
    const token = await mintToken(secret, {
      tenant: options.tenant,
      scopes: options.scopes.split(/\s+/).filter(Boolean),
      customerId: options.customer,
      legalEntityId: options.legalEntity,
      ttl: options.ttl,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
    })
    console.log(token)
  })

function tenant(value: string): string {
  if (!Value.Check(TenantParam, value)) throw new InvalidArgumentError('A tenant is 3-16 lowercase letters and digits, starting with a letter.')
  return value
}

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

function directoryKind(name: string): DirectoryKind<{ id: string }> {
  const kind = findKind(name)
  if (!kind) throw new InvalidArgumentError(`Use one of: ${directoryKinds.map((k) => k.name).join(', ')}.`)
  return kind
}

program
  .command('import')
  .description('Load directory entries (enrichment data) from a JSON array or NDJSON file; each entry replaces the stored one.')
  .argument('<kind>', `what the file holds: ${directoryKinds.map((k) => k.name).join(', ')}`, directoryKind)
  .argument('<file>', 'a JSON array, or NDJSON (one JSON object per line)')
  .requiredOption('--tenant <tenant>', 'tenant the entries belong to', tenant)
  .action(async (kind: DirectoryKind<{ id: string }>, file: string, options: { tenant: string }) => {
    // The file is opened first, so a wrong path leaves no database behind.
    const source = await openImportSource(file)
    const database = await openConfiguredDatabase(loadConfig())
    const reporter = importReporter(source.total)
    let summary: ImportSummary
    try {
      await migrate(database)
      summary = await importEntries(database.db, options.tenant, kind, source, reporter)
    } finally {
      reporter.stop()
      await database.close()
    }
    console.log(`Imported ${summary.imported} ${kind.name}, ${summary.rejected} rows rejected`)
    process.exitCode = summary.rejected > 0 ? 2 : 0
  })

function integer(min: number, max: number, what: string) {
  return (value: string): number => {
    const number = Number(value)
    if (!/^\d+$/.test(value) || number < min || number > max) throw new InvalidArgumentError(`Use ${what}.`)
    return number
  }
}

program
  .command('listen')
  .description('Receive webhooks on this machine: check their signatures and print one line per event.')
  .option('--port <port>', 'port to listen on (0: any free port)', integer(0, 65535, 'a port, 0-65535'), 4000)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option(
    '--secret <secret>',
    'the target secret: a request must carry a valid emporix-event-signature or webhook-signature, and no wrong one (else 401)',
  )
  .option('--status <code>', 'status answered to an accepted event', integer(200, 299, 'a 2xx status'), 204)
  .option('--json', 'print each event with its headers as one JSON line (NDJSON)', false)
  .action(async (options: { port: number; host: string; secret?: string; status: number; json: boolean }) => {
    await listen(options)
  })

try {
  await program.parseAsync()
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof UnreadableFileError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}
