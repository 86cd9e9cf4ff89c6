/**
 * A target's health as the engine keeps it in `delivery_target`: `failing_since` starts with the first
 * failure and is cleared by any success; a target that answers 410 Gone or fails for too long is
 * disabled, and its pending deliveries fail at once (recovery can replay them later).
 *
 * When a target that failed without a single success for a while (an outage, not one event it keeps
 * refusing) succeeds again, the deliveries waiting for their retry are made due at once: the backlog
 * drains as soon as the receiver is back (claims still take only as many rows per target as a worker may
 * send to it), instead of each delivery waiting out its own retry.
 */
import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.js'
import { FAILING_TARGET_LIMIT_MS } from './retry-policy.js'

export interface TargetRef {
  tenant: string
  configCode: string
  targetId: string
}

/** One string per target, for maps and for the fixed row order that keeps concurrent writers from deadlocking. */
export function targetKey({ tenant, configCode, targetId }: TargetRef): string {
  return JSON.stringify([tenant, configCode, targetId])
}

/** Targets sorted by {@link targetKey}. */
export function byTargetKey<T extends TargetRef>(targets: readonly T[]): T[] {
  return targets
    .map((target) => [targetKey(target), target] as const)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, target]) => target)
}

export interface TargetReport extends TargetRef {
  /** Null after a success (the target's latest outcome in the batch); else the first failure since it. */
  failingSince: Date | null
}

export interface HealthUpdate {
  /** Targets (among those that just failed) that have now failed for too long. */
  failingTooLong: TargetRef[]
  /** Deliveries made due at once because their target recovered. */
  revived: number
}

/**
 * Applies a batch's outcomes to the targets' failure clocks; writes only rows whose clock starts or
 * stops, and revives the waiting retries of targets whose clock stopped.
 */
export async function recordTargetHealth(
  db: Kysely<DB>,
  reports: readonly TargetReport[],
  { reviveAfterMs, limitMs = FAILING_TARGET_LIMIT_MS }: { reviveAfterMs: number; limitMs?: number },
): Promise<HealthUpdate> {
  if (reports.length === 0) return { failingTooLong: [], revived: 0 }
  // Always the same row order, so two workers updating the same targets cannot deadlock.
  const sorted = byTargetKey(reports)
  const { rows } = await sql<{ revived: number; too_long: [string, string, string][] }>`
    with report as (
      select * from unnest(${sorted.map((r) => r.tenant)}::text[], ${sorted.map((r) => r.configCode)}::text[],
                           ${sorted.map((r) => r.targetId)}::text[], ${sorted.map((r) => r.failingSince?.toISOString() ?? null)}::timestamptz[])
        as r (tenant, config_code, target_id, failing_since)
    ), before as (
      -- The clocks as they were: every part of this statement sees the rows before its updates.
      select t.tenant, t.config_code, t.target_id, t.failing_since
      from delivery_target t join report r using (tenant, config_code, target_id)
    ), changed as (
      update delivery_target t
      set failing_since = r.failing_since
      from report r
      where t.tenant = r.tenant and t.config_code = r.config_code and t.target_id = r.target_id
        and (r.failing_since is null) = (t.failing_since is not null)
      returning t.tenant, t.config_code, t.target_id, r.failing_since
    ), recovered as (
      select c.tenant, c.config_code, c.target_id
      from changed c join before b using (tenant, config_code, target_id)
      where c.failing_since is null
        and b.failing_since <= now() - ${reviveAfterMs}::double precision * interval '1 millisecond'
    ), revived as (
      -- Waiting for a retry: pending, tried before, not claimed (a claimed row is in flight or its
      -- worker's lease will bring it back anyway).
      update delivery d
      set next_attempt_at = now()
      from recovered c
      where d.tenant = c.tenant and d.config_code = c.config_code and d.target_id = c.target_id
        and d.state = 'pending' and d.attempts > 0 and d.locked_by is null and d.next_attempt_at > now()
      returning 1
    ), too_long as (
      select t.tenant, t.config_code, t.target_id
      from delivery_target t join report r using (tenant, config_code, target_id)
      where r.failing_since is not null and t.disabled_at is null
        and t.failing_since <= now() - ${limitMs}::double precision * interval '1 millisecond'
    )
    select (select count(*) from revived)::int as revived,
           coalesce((select json_agg(json_build_array(tenant, config_code, target_id)) from too_long), '[]'::json) as too_long`.execute(db)
  const [{ revived, too_long }] = rows
  return { failingTooLong: too_long.map(([tenant, configCode, targetId]) => ({ tenant, configCode, targetId })), revived }
}

/**
 * Disables a target and fails its pending deliveries. Returns how many deliveries it failed, or
 * undefined when the target was already disabled (by another worker, say).
 */
export async function disableTarget(db: Kysely<DB>, target: TargetRef, reason: string): Promise<number | undefined> {
  const { tenant, configCode, targetId } = target
  const { rows } = await sql<{ disabled: number; failed: number }>`
    with disabled as (
      insert into delivery_target (tenant, config_code, target_id, disabled_at, disabled_reason)
      values (${tenant}, ${configCode}, ${targetId}, now(), ${reason})
      on conflict (tenant, config_code, target_id)
        do update set disabled_at = now(), disabled_reason = excluded.disabled_reason
        where delivery_target.disabled_at is null
      returning 1
    ), failed as (
      update delivery
      set state = 'failed', last_error = 'target disabled', finished_at = now(), locked_by = null, locked_at = null
      where tenant = ${tenant} and config_code = ${configCode} and target_id = ${targetId}
        and state = 'pending' and exists (select from disabled)
      returning 1
    )
    select (select count(*) from disabled)::int as disabled, (select count(*) from failed)::int as failed`.execute(db)
  const [row] = rows
  return row.disabled > 0 ? row.failed : undefined
}
