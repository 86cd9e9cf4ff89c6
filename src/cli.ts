/**
 * The `segments` command: `serve`, `migrate`, `token`. Run in the repository as `npm run segments -- <command>`.
 */
import { Command, InvalidArgumentError } from 'commander'
import { SCOPES } from './auth/principal.js'
import { mintToken } from './auth/mint-token.js'
import { resolveSigningSecret } from './auth/signing-key.js'
import { ConfigError, loadConfig } from './config.js'
import { DataDirLockedError } from './db/data-dir-lock.js'
import { migrate } from './db/migrate.js'
import { openConfiguredDatabase, serve } from './server.js'

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

try {
  await program.parseAsync()
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}
