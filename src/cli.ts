#!/usr/bin/env node
/**
 * The `segments` command: `serve`, `worker`, `migrate`, `dump`, `token`, `console`, `clients`, `import`, `listen`. Run in the repository
 * as `npm run segments -- <command>`. Each command loads only the modules it needs, so `--help` and
 * `token` answer at once. A failure the user can fix (a bad setting, a port in use, a database that
 * refuses the login) prints one message and exits with code 1; anything else is a bug and shows its stack.
 */
import { Command, InvalidArgumentError } from 'commander'
import { KNOWN_SCOPES, OPERATOR_SCOPES, SCOPES } from './auth/principal.js'
import { GRANTABLE_SCOPES, MAX_GRACE_SECONDS, MAX_NAME_LENGTH } from './clients/client-schemas.js'
import { loadConfig } from './config.js'
import { directoryKinds, findKind } from './directory/directory-kinds.js'
import { StartupError } from './process/startup-error.js'

const program = new Command('segments')
  .description('Customer Segment Service: segments, assignments and signed webhook events.')
  .showHelpAfterError()

program
  .command('serve')
  .description('Run the HTTP API (what `npm start` runs). Configuration comes from the environment; see README.')
  .action(async () => {
    const config = loadConfig()
    const { serve } = await import('./process/serve.js')
    await serve(config)
  })

program
  .command('worker')
  .description('Run only the webhook delivery engine (dispatcher and worker), no HTTP API; run several against one PostgreSQL to scale out.')
  .action(async () => {
    const config = loadConfig()
    const { work } = await import('./process/work.js')
    await work(config)
  })

program
  .command('migrate')
  .description('Apply pending database migrations and exit (serve also applies them at start).')
  .action(async () => {
    const config = loadConfig()
    const [{ migrateStore, openStore }, { createLogger }] = await Promise.all([import('./process/open-store.js'), import('./process/logger.js')])
    const database = await openStore(config, createLogger(config))
    try {
      const applied = await migrateStore(database, config)
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


function tenant(value: string): string {
  if (!/^[a-z][a-z0-9]{2,15}$/.test(value)) throw new InvalidArgumentError('A tenant is 3-16 lowercase letters and digits, starting with a letter.')
  return value
}

/** A parser of a space- or comma-separated scope list that refuses any scope not in `allowed`. */
function scopeList(allowed: readonly string[]) {
  return (value: string): string[] => {
    const scopes = [...new Set(value.split(/[\s,]+/).filter(Boolean))]
    if (scopes.length === 0) throw new InvalidArgumentError(`Name at least one of: ${allowed.join(', ')}.`)
    const unknown = scopes.filter((scope) => !allowed.includes(scope))
    if (unknown.length > 0) {
      throw new InvalidArgumentError(`${unknown.length === 1 ? 'Unknown scope' : 'Unknown scopes'} ${unknown.map((scope) => `'${scope}'`).join(', ')}; use any of: ${allowed.join(', ')}.`)
    }
    return scopes
  }
}

program
  .command('token')
  .description('Print a bearer token signed with the key the server uses (AUTH_PRIVATE_KEY_FILE, AUTH_SECRET or the data dir secret); stderr says which.')
  .requiredOption('--tenant <tenant>', 'tenant the token is for', tenant)
  .option('--scopes <scopes>', `space-separated scopes (default: all but ${SCOPES.segmentReadOwn})`, scopeList(KNOWN_SCOPES))
  .option('--customer <id>', 'customerId claim (customer tokens)')
  .option('--legal-entity <id>', 'legalEntityId claim (B2B customer tokens)')
  .option('--ttl <duration>', 'lifetime, e.g. 30m, 1h, 7d', ttl, '1h')
  .action(async (options: { tenant: string; scopes?: string[]; customer?: string; legalEntity?: string; ttl: string }) => {
    const config = loadConfig()
    const [{ resolveSigningKey }, { mintToken }] = await Promise.all([import('./auth/signing-key.js'), import('./auth/mint-token.js')])
    const key = await resolveSigningKey(config, { create: true })
    if (!key) {
      throw new StartupError('Tokens are verified against AUTH_JWKS_URL; get them from that identity provider, or give the service a key of its own (AUTH_PRIVATE_KEY_FILE).')
    }
    const token = await mintToken(key, {
      tenant: options.tenant,
      scopes: options.scopes ?? [...OPERATOR_SCOPES],
      customerId: options.customer,
      legalEntityId: options.legalEntity,
      ttl: options.ttl,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
    })
    console.error(`Signed with ${key.source}.`)
    console.log(token)
  })

program
  .command('dump')
  .description('Write the embedded database (DATA_DIR) as a SQL script, for PostgreSQL (psql -f) or a backup; stop the service first.')
  .option('--output <file>', 'write to this new file instead of standard output')
  .action(async (options: { output?: string }) => {
    const config = loadConfig()
    if (config.databaseUrl) throw new StartupError('DATABASE_URL is set: that database is PostgreSQL, so dump it with pg_dump.')
    const { dumpCommand } = await import('./db/dump-data-dir.js')
    try {
      await dumpCommand(config.dataDir, options.output)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new StartupError(`${options.output} exists already: name a new file.`)
      throw error
    }
    console.error(`Dumped the embedded database in ${config.dataDir}. Load it with: psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f ${options.output ?? 'dump.sql'}`)
    console.error(`Tokens signed so far stay valid when the service runs with AUTH_SECRET set to the contents of ${config.dataDir}/auth-secret.`)
  })

function baseUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InvalidArgumentError('Give the address the service is reached at, e.g. http://localhost:8080.')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('Use an http:// or https:// address.')
  return url.origin
}

program
  .command('console')
  .description('Print a one-time sign-in link to the console (/console) for a tenant, valid for 10 minutes, signed with the server\'s key.')
  .requiredOption('--tenant <tenant>', 'tenant to sign in to', tenant)
  .option('--url <url>', 'where the service is reached (default: http://localhost:PORT)', baseUrl)
  .action(async (options: { tenant: string; url?: string }) => {
    const config = loadConfig()
    const [{ resolveSigningKey }, { mintConsoleLink }] = await Promise.all([import('./auth/signing-key.js'), import('./auth/console-link.js')])
    const key = await resolveSigningKey(config, { create: true })
    if (!key) {
      throw new StartupError('Tokens are verified against AUTH_JWKS_URL only, so the service has no key to sign a link with: sign in to the console with a token or API credentials.')
    }
    const link = await mintConsoleLink(key, options.tenant)
    console.error('Open this link within 10 minutes; it signs in once, for an hour.')
    console.log(`${options.url ?? `http://localhost:${config.port}`}/console#key=${link}`)
  })

const DURATION_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 }

function grace(value: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(value)
  const seconds = match ? Number(match[1]) * DURATION_SECONDS[match[2]] : Number.NaN
  if (!(seconds <= MAX_GRACE_SECONDS)) throw new InvalidArgumentError('Use a number and a unit (s, m, h, d) of at most 7d, e.g. 0s, 30m, 1d.')
  return seconds
}

function clientName(value: string): string {
  if (value.length === 0 || value.length > MAX_NAME_LENGTH) throw new InvalidArgumentError(`A name is 1-${MAX_NAME_LENGTH} characters.`)
  return value
}

const clients = program
  .command('clients')
  .description('Manage API clients: the credentials a tenant\'s systems exchange for tokens at POST /oauth/token.')

/** Runs one `clients` action against the configured database. */
async function clientsAction(options: { tenant: string; json?: boolean }, action: import('./clients/clients-command.js').ClientsAction): Promise<void> {
  const config = loadConfig()
  const { runClientsCommand } = await import('./clients/clients-command.js')
  process.exitCode = await runClientsCommand(config, options.tenant, action, options.json ?? false)
}

clients
  .command('create')
  .description('Create a client and print its id and secret (the secret is shown only now).')
  .requiredOption('--tenant <tenant>', 'tenant the client belongs to', tenant)
  .requiredOption('--scopes <scopes>', `space-separated scopes, of: ${GRANTABLE_SCOPES.join(', ')}`, scopeList(GRANTABLE_SCOPES))
  .option('--name <name>', 'what the client is for', clientName)
  .option('--json', 'print {"clientId", "clientSecret"} as JSON')
  .action((options: { tenant: string; scopes: string[]; name?: string; json?: boolean }) =>
    clientsAction(options, { action: 'create', scopes: options.scopes, name: options.name }),
  )

clients
  .command('list')
  .description("List a tenant's clients (never their secrets).")
  .requiredOption('--tenant <tenant>', 'tenant whose clients to list', tenant)
  .option('--json', 'print a JSON array')
  .action((options: { tenant: string; json?: boolean }) => clientsAction(options, { action: 'list' }))

clients
  .command('rotate')
  .description('Give a client a new secret and print it; the previous one stops working at once, or after --grace.')
  .argument('<clientId>', 'the client')
  .requiredOption('--tenant <tenant>', 'tenant the client belongs to', tenant)
  .option('--grace <duration>', 'how long the previous secret keeps working, e.g. 1h (at most 7d)', grace, 0)
  .option('--json', 'print {"clientId", "clientSecret"} as JSON')
  .action((clientId: string, options: { tenant: string; grace: number; json?: boolean }) =>
    clientsAction(options, { action: 'rotate', clientId, graceSeconds: options.grace }),
  )

clients
  .command('revoke')
  .description('Revoke a client: its secret stops working at once (tokens it already got expire on their own).')
  .argument('<clientId>', 'the client')
  .requiredOption('--tenant <tenant>', 'tenant the client belongs to', tenant)
  .option('--json', 'print {"clientId", "revoked": true} as JSON')
  .action((clientId: string, options: { tenant: string; json?: boolean }) => clientsAction(options, { action: 'revoke', clientId }))

const kindNames = directoryKinds.map((kind) => kind.name).join(', ')

function directoryKind(name: string): string {
  if (!findKind(name)) throw new InvalidArgumentError(`Use one of: ${kindNames}.`)
  return name
}

program
  .command('import')
  .description('Load directory entries (enrichment data) from a JSON array or NDJSON file; each entry replaces the stored one.')
  .argument('<kind>', `what the file holds: ${kindNames}`, directoryKind)
  .argument('<file>', 'a JSON array, or NDJSON (one JSON object per line)')
  .requiredOption('--tenant <tenant>', 'tenant the entries belong to', tenant)
  .action(async (kind: string, file: string, options: { tenant: string }) => {
    const config = loadConfig()
    const { runImport } = await import('./directory/import-command.js')
    process.exitCode = await runImport(config, kind, file, options.tenant)
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
    const { listen } = await import('./listen/listen.js')
    await listen(options)
  })

try {
  await program.parseAsync()
} catch (error) {
  if (error instanceof StartupError || (error as Error)?.name === 'UnreadableFileError') {
    console.error((error as Error).message)
    process.exit(1)
  }
  throw error
}
