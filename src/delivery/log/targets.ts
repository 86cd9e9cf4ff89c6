/**
 * A tenant's delivery targets, seen from both sides: the stored config (URL, event type, active; never a
 * secret) and the delivery engine (disabled, failing since, deliveries still pending or failed).
 * A target that left the config but still has deliveries is listed too, as no longer configured.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { TargetRef } from '../target-health.js'
import { errors } from '../../errors.js'
import type { TargetOverview } from './log-schemas.js'
import { maskUrl } from '../../webhooks/credentials.js'
import { DEFAULT_TARGET, SHARED_PROVIDER, sameEventType, type StoredHttpConfiguration } from '../../webhooks/stored-config.js'

export interface ConfiguredTarget {
  configCode: string
  targetId: string
  name?: string
  /** The entry's event type; null for the config's own destination, which takes every type without an entry. */
  eventType: string | null
  url: string | null
  /** The config and the entry are active and there is a URL to send to. */
  active: boolean
  /** An SVIX_SHARED endpoint's event types (absent: every type). */
  eventTypes?: string[]
}

/** A URL as shown to operators: a password in it is masked. */
function shownUrl(url: string | undefined): string | null {
  return url ? maskUrl(url) : null
}

function targetsOf(code: string, active: boolean, configuration: StoredHttpConfiguration): ConfiguredTarget[] {
  const root = configuration.destinationUrl
  const targets: ConfiguredTarget[] = []
  if (root) targets.push({ configCode: code, targetId: DEFAULT_TARGET, eventType: null, url: shownUrl(root), active })
  for (const entry of configuration.eventsConfiguration) {
    const url = entry.destinationUrl ?? root
    targets.push({
      configCode: code,
      targetId: entry.id,
      ...(entry.name === undefined ? {} : { name: entry.name }),
      eventType: entry.eventType,
      url: shownUrl(url),
      active: active && entry.active && url !== undefined,
    })
  }
  return targets
}

/** An SVIX_SHARED config's targets: its portal endpoints. */
async function endpointTargets(db: Kysely<DB>, tenant: string, code: string, active: boolean): Promise<ConfiguredTarget[]> {
  const endpoints = await db.selectFrom('portal_endpoint').select(['id', 'url', 'description', 'event_types', 'disabled']).where('tenant', '=', tenant).orderBy('id').execute()
  return endpoints.map((endpoint) => ({
    configCode: code,
    targetId: endpoint.id,
    ...(endpoint.description === '' ? {} : { name: endpoint.description }),
    eventType: null,
    ...(endpoint.event_types === null ? {} : { eventTypes: endpoint.event_types }),
    url: shownUrl(endpoint.url),
    active: active && !endpoint.disabled,
  }))
}

async function configuredTargets(db: Kysely<DB>, tenant: string, configCode?: string): Promise<ConfiguredTarget[]> {
  let select = db.selectFrom('webhook_config').select(['code', 'provider', 'active', 'configuration']).where('tenant', '=', tenant)
  if (configCode !== undefined) select = select.where('code', '=', configCode)
  const configs = await select.orderBy('code').execute()
  const targets = await Promise.all(
    configs.map((config) =>
      config.provider === SHARED_PROVIDER ? endpointTargets(db, tenant, config.code, config.active) : targetsOf(config.code, config.active, config.configuration),
    ),
  )
  return targets.flat()
}

/** The target as the stored config defines it now, or undefined when the config has no such target. */
export async function findConfiguredTarget(
  db: Kysely<DB>,
  tenant: string,
  configCode: string,
  targetId: string,
): Promise<ConfiguredTarget | undefined> {
  return (await configuredTargets(db, tenant, configCode)).find((target) => target.targetId === targetId)
}

/** The engine's state of a target, or undefined when it never had a delivery. */
async function targetState(db: Kysely<DB>, tenant: string, configCode: string, targetId: string) {
  return db
    .selectFrom('delivery_target')
    .select(['disabled_at', 'disabled_reason', 'failing_since'])
    .where('tenant', '=', tenant)
    .where('config_code', '=', configCode)
    .where('target_id', '=', targetId)
    .executeTakeFirst()
}

const key = (configCode: string, targetId: string) => JSON.stringify([configCode, targetId])

export async function listTargets(db: Kysely<DB>, tenant: string): Promise<TargetOverview[]> {
  const [configured, states, backlog] = await Promise.all([
    configuredTargets(db, tenant),
    db.selectFrom('delivery_target').selectAll().where('tenant', '=', tenant).orderBy('config_code').orderBy('target_id').execute(),
    db
      .selectFrom('delivery')
      .select(({ fn }) => [
        'config_code',
        'target_id',
        fn.countAll().filterWhere('state', '=', 'pending').as('pending'),
        fn.countAll().filterWhere('state', '=', 'failed').as('failed'),
      ])
      .where('tenant', '=', tenant)
      .where('state', 'in', ['pending', 'failed'])
      .groupBy(['config_code', 'target_id'])
      .execute(),
  ])
  const stateOf = new Map(states.map((row) => [key(row.config_code, row.target_id), row]))
  const backlogOf = new Map(backlog.map((row) => [key(row.config_code, row.target_id), row]))
  const known = new Set(configured.map((target) => key(target.configCode, target.targetId)))
  // Targets that left the config but still have a state row or deliveries, each once.
  const gone = new Map<string, ConfiguredTarget>()
  for (const row of [...states, ...backlog]) {
    const id = key(row.config_code, row.target_id)
    if (!known.has(id)) gone.set(id, { configCode: row.config_code, targetId: row.target_id, eventType: null, url: null, active: false })
  }
  const goneSorted = [...gone.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, target]) => target)
  return [...configured, ...goneSorted].map((target) => {
    const id = key(target.configCode, target.targetId)
    const state = stateOf.get(id)
    const counts = backlogOf.get(id)
    return {
      ...target,
      configured: known.has(id),
      disabled: Boolean(state?.disabled_at),
      disabledAt: state?.disabled_at?.toISOString() ?? null,
      disabledReason: state?.disabled_reason ?? null,
      failingSince: state?.failing_since?.toISOString() ?? null,
      pendingDeliveries: Number(counts?.pending ?? 0),
      failedDeliveries: Number(counts?.failed ?? 0),
    }
  })
}

/**
 * The target, when deliveries may be made due for it: it is configured (else 404), takes events of
 * `eventType` when one is given (else 400), is active with a URL (else 409) and is not disabled by the
 * engine (else 409: an operator re-enables it first).
 */
export async function requireSendableTarget(
  db: Kysely<DB>,
  { tenant, configCode, targetId }: TargetRef,
  eventType?: string,
): Promise<ConfiguredTarget> {
  const name = `${configCode}/${targetId}`
  const target = await findConfiguredTarget(db, tenant, configCode, targetId)
  if (!target) throw errors.notFound(name)
  if (eventType !== undefined && target.eventType !== null && !sameEventType(target.eventType, eventType)) {
    throw errors.invalidParameter('targetId', `the target ${name} takes ${target.eventType} events, not ${eventType}`)
  }
  if (eventType !== undefined && target.eventTypes !== undefined && !target.eventTypes.some((type) => sameEventType(type, eventType))) {
    throw errors.invalidParameter('targetId', `the target ${name} takes ${target.eventTypes.join(', ')} events, not ${eventType}`)
  }
  if (!target.active) throw errors.targetInactive(name)
  const state = await targetState(db, tenant, configCode, targetId)
  if (state?.disabled_at) throw errors.targetDisabled(name, state.disabled_reason)
  return target
}
