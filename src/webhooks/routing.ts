/**
 * Routing: which targets an event goes to, and what a target's delivery looks like when it is sent.
 *
 * An event is delivered only when its type is subscribed. It then goes to every active entry of its type
 * whose filter matches the payload, or, when the config has no entry for the type at all, to the config's
 * own `destinationUrl`; for an SVIX_SHARED config, to each of its endpoints that is not disabled and names
 * the type (or no type at all). Inactive configs deliver nothing.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { filterMatches } from './event-filter.js'
import { DEFAULT_TARGET, type HeaderMap, type PreviousSecret, SHARED_PROVIDER, type StoredHttpConfiguration, sameEventType } from './stored-config.js'

export interface TenantRouting {
  configs: { code: string; provider: string; active: boolean; configuration: StoredHttpConfiguration }[]
  /** The SVIX_SHARED config's endpoints. */
  endpoints: { id: string; url: string; eventTypes: string[] | null; secret: string; previousSecrets: PreviousSecret[]; disabled: boolean }[]
  /** Keyed by lower-cased event type. */
  subscriptions: Map<string, { subscribed: boolean; excludedFields: string[] }>
}

export interface Route {
  configCode: string
  targetId: string
  /** The entry's filter could not be evaluated (the event counts as not matching): why. */
  filterError?: string
}

/** Everything needed to send to one target, resolved from the current configuration. */
export interface ResolvedTarget {
  url: string
  secretKey?: string
  /** Secrets `secretKey` replaced lately: deliveries are signed with them too during the grace period. */
  previousSecrets?: PreviousSecret[]
  headers: HeaderMap
  excludedFields: string[]
  /** An SVIX_SHARED endpoint: the signature goes under the `svix-*` header names too. */
  svix?: boolean
}

export async function loadRouting(db: Kysely<DB>, tenants: readonly string[]): Promise<Map<string, TenantRouting>> {
  const routing = new Map<string, TenantRouting>()
  if (tenants.length === 0) return routing
  for (const tenant of tenants) routing.set(tenant, { configs: [], endpoints: [], subscriptions: new Map() })
  const [configs, endpoints, subscriptions] = await Promise.all([
    db.selectFrom('webhook_config').select(['tenant', 'code', 'provider', 'active', 'configuration']).where('tenant', 'in', tenants).execute(),
    db.selectFrom('portal_endpoint').select(['tenant', 'id', 'url', 'event_types', 'secret', 'previous_secrets', 'disabled']).where('tenant', 'in', tenants).orderBy('id').execute(),
    db
      .selectFrom('event_subscription')
      .select(['tenant', 'event_type', 'subscribed', 'excluded_fields'])
      .where('tenant', 'in', tenants)
      .execute(),
  ])
  for (const row of configs) routing.get(row.tenant)?.configs.push({ code: row.code, provider: row.provider, active: row.active, configuration: row.configuration })
  for (const row of endpoints) {
    routing.get(row.tenant)?.endpoints.push({ id: row.id, url: row.url, eventTypes: row.event_types, secret: row.secret, previousSecrets: row.previous_secrets, disabled: row.disabled })
  }
  for (const row of subscriptions) {
    routing.get(row.tenant)?.subscriptions.set(row.event_type.toLowerCase(), { subscribed: row.subscribed, excludedFields: row.excluded_fields })
  }
  return routing
}

export interface Routed {
  routes: Route[]
  /** Work the filters did (values read from the payload). */
  cost: number
}

export function routeEvent(routing: TenantRouting | undefined, event: { type: string; payload: unknown }): Routed {
  if (!routing || !routing.subscriptions.get(event.type.toLowerCase())?.subscribed) return { routes: [], cost: 0 }
  const routes: Route[] = []
  let cost = 0
  for (const config of routing.configs) {
    if (!config.active) continue
    if (config.provider === SHARED_PROVIDER) {
      for (const endpoint of routing.endpoints) {
        if (endpoint.disabled || (endpoint.eventTypes !== null && !endpoint.eventTypes.some((type) => sameEventType(type, event.type)))) continue
        routes.push({ configCode: config.code, targetId: endpoint.id })
      }
      continue
    }
    const entries = config.configuration.eventsConfiguration.filter((entry) => sameEventType(entry.eventType, event.type))
    if (entries.length === 0) {
      if (config.configuration.destinationUrl) routes.push({ configCode: config.code, targetId: DEFAULT_TARGET })
      continue
    }
    for (const entry of entries) {
      if (!entry.active) continue
      if ((entry.destinationUrl ?? config.configuration.destinationUrl) === undefined) continue
      const filtered = filterMatches(entry.filter, event.payload)
      cost += filtered.cost
      if (filtered.error !== undefined) routes.push({ configCode: config.code, targetId: entry.id, filterError: filtered.error })
      else if (filtered.matched) routes.push({ configCode: config.code, targetId: entry.id })
    }
  }
  return { routes, cost }
}

function withPrevious(target: ResolvedTarget, previousSecrets: PreviousSecret[] | undefined): ResolvedTarget {
  return previousSecrets ? { ...target, previousSecrets } : target
}

/**
 * The target as it is configured now, or undefined when it no longer exists or no longer takes deliveries
 * (config or entry made inactive or removed). Entry values beat the config's; entry headers replace the
 * config's headers as a whole.
 */
export function resolveTarget(
  routing: TenantRouting | undefined,
  route: Route,
  eventType: string,
): ResolvedTarget | undefined {
  const config = routing?.configs.find((candidate) => candidate.code === route.configCode)
  if (!routing || !config || !config.active) return undefined
  const root = config.configuration
  const subscriptionExcluded = routing.subscriptions.get(eventType.toLowerCase())?.excludedFields ?? []
  if (config.provider === SHARED_PROVIDER) {
    const endpoint = routing.endpoints.find((candidate) => candidate.id === route.targetId)
    if (!endpoint || endpoint.disabled) return undefined
    return withPrevious({ url: endpoint.url, secretKey: endpoint.secret, headers: {}, excludedFields: subscriptionExcluded, svix: true }, endpoint.previousSecrets)
  }
  if (route.targetId === DEFAULT_TARGET) {
    if (!root.destinationUrl) return undefined
    return withPrevious(
      { url: root.destinationUrl, secretKey: root.secretKey, headers: root.headers ?? {}, excludedFields: subscriptionExcluded },
      root.previousSecrets,
    )
  }
  const entry = root.eventsConfiguration.find((candidate) => candidate.id === route.targetId)
  const url = entry?.destinationUrl ?? root.destinationUrl
  if (!entry || !entry.active || !url) return undefined
  return withPrevious(
    {
      url,
      secretKey: entry.secretKey ?? root.secretKey,
      headers: entry.headers ?? root.headers ?? {},
      excludedFields: entry.excludedFields ?? subscriptionExcluded,
    },
    entry.secretKey === undefined ? root.previousSecrets : entry.previousSecrets,
  )
}
