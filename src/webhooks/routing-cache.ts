/**
 * The routing of recently seen tenants, kept by the routing version that triggers bump on every change
 * to a tenant's configs, endpoints or subscriptions (migration 0004). Whoever reads a tenant's version
 * along with its work (the dispatcher with its events, a worker with its claim) loads the routing only
 * when that version differs from the one cached: the routing used is at least as new as every change
 * committed before the version was read.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { loadRouting, type TenantRouting } from './routing.js'

/** Tenants whose routing is kept; the least recently loaded go first. */
const DEFAULT_SIZE = 10_000

export interface RoutingCache {
  /** Each tenant's routing as of (at least) its version; `null`: the tenant was never configured. */
  routingOf(db: Kysely<DB>, versions: ReadonlyMap<string, number | null>): Promise<Map<string, TenantRouting | undefined>>
}

export function routingCache(size = DEFAULT_SIZE): RoutingCache {
  const cache = new Map<string, { routing: TenantRouting | undefined; version: number | null }>()
  return {
    async routingOf(db, versions) {
      const stale = [...versions].filter(([tenant, version]) => {
        const cached = cache.get(tenant)
        return cached === undefined || cached.version !== version
      })
      if (stale.length > 0) {
        const loaded = await loadRouting(
          db,
          stale.map(([tenant]) => tenant),
        )
        for (const [tenant, version] of stale) {
          cache.delete(tenant)
          cache.set(tenant, { routing: loaded.get(tenant), version })
        }
        for (const tenant of cache.keys()) {
          if (cache.size <= size) break
          cache.delete(tenant)
        }
      }
      return new Map([...versions.keys()].map((tenant) => [tenant, cache.get(tenant)?.routing]))
    },
  }
}
