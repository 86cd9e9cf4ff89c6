/**
 * Webhook config rules: one config per code and tenant (`http` for provider HTTP, `svix_shared` for
 * SVIX_SHARED, whose configuration is empty), at most one of them active (activating one deactivates
 * the other, as the contract has it), PUT and PATCH as whole-config rewrites inside one transaction (so
 * a refused request changes nothing), no write when nothing changes, and deletion of an active config
 * only when forced. A destination the config did not
 * name before must answer (when probing is on); it is probed before the transaction, never inside one.
 */
import type { Kysely } from 'kysely'
import { configure } from 'safe-stable-stringify'
import type { DB } from '../db/schema.js'
import { errors } from '../errors.js'
import { webhookErrors } from './webhook-errors.js'
import { applyConfigPatch } from './config-patch.js'
import type { DestinationProbe } from '../delivery/destination-probe.js'
import { checkDestination } from './config-values.js'
import { toStoredConfiguration } from './config-input.js'
import { restoreMaskedCredentials } from './credentials.js'
import { withSecretHistory } from './secret-rotation.js'
import { PROVIDER_CODES, SHARED_PROVIDER, type StoredHttpConfiguration } from './stored-config.js'
import { type ConfigContent, type ConfigRow, deleteConfigRow, insertConfig, selectConfig, selectConfigs, updateConfig } from './config-rows.js'
import type { ConfigCreation, ConfigUpdate, PatchOperation } from './config-schemas.js'

const canonical = configure({ deterministic: true })


export interface WebhookContext {
  db: Kysely<DB>
  tenant: string
}

export interface ConfigContext extends WebhookContext {
  /** Loopback, private and link-local destinations are allowed (DELIVERY_ALLOW_PRIVATE). */
  allowPrivate: boolean
  /** Checks that something answers at a destination; absent when probing is off (DESTINATION_PROBE). */
  probe?: DestinationProbe
}

/** Refuses destinations deliveries may not go to (config-values.ts). */
function checkDestinations(configuration: StoredHttpConfiguration, allowPrivate: boolean): void {
  for (const { url, field } of destinations(configuration)) checkDestination(url, field, allowPrivate)
}

/** Every destination of a configuration, with the field that names it. */
function destinations(configuration: StoredHttpConfiguration): { url: string; field: string }[] {
  const found = configuration.destinationUrl === undefined ? [] : [{ url: configuration.destinationUrl, field: 'configuration.destinationUrl' }]
  configuration.eventsConfiguration.forEach((entry, index) => {
    if (entry.destinationUrl !== undefined) found.push({ url: entry.destinationUrl, field: `configuration.eventsConfiguration.${index}.destinationUrl` })
  })
  return found
}

/**
 * Probes, all at once, the destinations `next` names that `current` (undefined on create) does not; the
 * first one in the config's order where nothing answers is the contract's 400.
 */
async function probeNewDestinations(ctx: ConfigContext, current: StoredHttpConfiguration | undefined, next: StoredHttpConfiguration): Promise<void> {
  const { probe } = ctx
  if (!probe) return
  const known = new Set(current ? destinations(current).map(({ url }) => url) : [])
  const fresh = destinations(next).filter(({ url }) => !known.has(url))
  const urls = [...new Set(fresh.map(({ url }) => url))]
  const reasons = new Map(await Promise.all(urls.map(async (url) => [url, await probe(url)] as const)))
  for (const { url, field } of fresh) {
    const reason = reasons.get(url)
    if (reason !== undefined) throw webhookErrors.destinationUnreachable(field, reason)
  }
}

function checkCode(provider: string, code: string): void {
  if (PROVIDER_CODES[provider] !== code) throw webhookErrors.codeMismatch(code)
}

/** What an SVIX_SHARED config stores: nothing of its own (an HTTP configuration with no target). */
const SHARED_CONTENT: StoredHttpConfiguration = { eventsConfiguration: [] }

function sharedConfiguration(input: ConfigCreation['configuration']): StoredHttpConfiguration {
  if (input !== undefined && Object.keys(input).length > 0) throw webhookErrors.sharedConfiguration(`configuration.${Object.keys(input)[0]}`)
  return SHARED_CONTENT
}

/** Only one config is active at a time: the one just written active deactivates the others. */
async function deactivateOthers(db: Kysely<DB>, tenant: string, code: string): Promise<void> {
  await db.updateTable('webhook_config').set({ active: false, modified_at: new Date() }).where('tenant', '=', tenant).where('code', '<>', code).where('active', '=', true).execute()
}

export async function createConfig(ctx: ConfigContext, input: ConfigCreation): Promise<string> {
  checkCode(input.provider, input.code)
  const shared = input.provider === SHARED_PROVIDER
  const configuration = shared ? sharedConfiguration(input.configuration) : restoreMaskedCredentials(undefined, toStoredConfiguration(input.configuration, undefined, 'create'))
  checkDestinations(configuration, ctx.allowPrivate)
  if (ctx.probe && !shared) {
    if (await selectConfig(ctx.db, ctx.tenant, input.code)) throw webhookErrors.configExists(input.code)
    await probeNewDestinations(ctx, undefined, configuration)
  }
  const content: ConfigContent = { provider: input.provider, active: input.active ?? true, configuration }
  await ctx.db.transaction().execute(async (tx) => {
    if (!(await insertConfig(tx, ctx.tenant, input.code, content))) throw webhookErrors.configExists(input.code)
    if (content.active) await deactivateOthers(tx, ctx.tenant, input.code)
  })
  return input.code
}

export async function listConfigs(ctx: WebhookContext): Promise<ConfigRow[]> {
  return selectConfigs(ctx.db, ctx.tenant)
}

export async function getConfig(ctx: WebhookContext, code: string): Promise<ConfigRow> {
  const row = await selectConfig(ctx.db, ctx.tenant, code)
  if (!row) throw webhookErrors.configNotFound(code)
  return row
}

/** The content `change` makes of `row`, checked; masked credentials sent back stand for the stored ones. */
function changed(ctx: ConfigContext, row: ConfigRow, change: (row: ConfigRow) => ConfigContent): ConfigContent {
  const content = change(row)
  const configuration = restoreMaskedCredentials(row.configuration, content.configuration)
  checkDestinations(configuration, ctx.allowPrivate)
  return { ...content, configuration }
}

/**
 * Reads the config for update, lets `change` compute its new content, and writes it when it differs.
 * Replaced secrets are remembered (for signing during the grace period), so they do not count as a
 * change. New destinations are probed first, on the config as read before the transaction: one that
 * a concurrent write brings in meanwhile was a destination of the config already.
 */
async function rewrite(ctx: ConfigContext, code: string, change: (row: ConfigRow) => ConfigContent): Promise<void> {
  if (ctx.probe) {
    const row = await selectConfig(ctx.db, ctx.tenant, code)
    if (!row) throw webhookErrors.configNotFound(code)
    await probeNewDestinations(ctx, row.configuration, changed(ctx, row, change).configuration)
  }
  await ctx.db.transaction().execute(async (tx) => {
    const row = await selectConfig(tx, ctx.tenant, code, true)
    if (!row) throw webhookErrors.configNotFound(code)
    const { configuration, ...rest } = changed(ctx, row, change)
    const next: ConfigContent = { ...rest, configuration: withSecretHistory(row.configuration, configuration, new Date()) }
    const current: ConfigContent = { provider: row.provider, active: row.active, configuration: row.configuration }
    if (canonical(next) === canonical(current)) return
    await updateConfig(tx, ctx.tenant, code, next)
    if (next.active && !current.active) await deactivateOthers(tx, ctx.tenant, code)
  })
}

/** PUT: the body is the whole config; `active` defaults to true as on create, secrets stay unless replaced or removed. */
export async function replaceConfig(ctx: ConfigContext, code: string, input: ConfigUpdate): Promise<void> {
  if (input.code !== undefined && input.code !== code) {
    throw errors.invalidParameter('code', `the body code '${input.code}' differs from the path code '${code}'`)
  }
  checkCode(input.provider, code)
  await rewrite(ctx, code, (row) => {
    if (row.provider !== input.provider) throw webhookErrors.providerChange(code, row.provider)
    const shared = input.provider === SHARED_PROVIDER
    return {
      provider: input.provider,
      active: input.active ?? true,
      configuration: shared ? sharedConfiguration(input.configuration) : toStoredConfiguration(input.configuration, row.configuration, 'replace'),
    }
  })
}

export async function patchConfig(ctx: ConfigContext, code: string, operations: PatchOperation[]): Promise<void> {
  await rewrite(ctx, code, (row) => {
    if (row.provider === SHARED_PROVIDER) {
      const other = operations.find((operation) => operation.path !== '/active')
      if (other) throw webhookErrors.sharedConfiguration(other.path)
    }
    return { provider: row.provider, ...applyConfigPatch({ active: row.active, configuration: row.configuration }, operations) }
  })
}

/** Deleting a config that does not exist is done already. */
export async function deleteConfig(ctx: WebhookContext, code: string, force: boolean): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await selectConfig(tx, ctx.tenant, code, true)
    if (!row) return
    if (row.active && !force) throw webhookErrors.configActive(code)
    await deleteConfigRow(tx, ctx.tenant, code)
  })
}
