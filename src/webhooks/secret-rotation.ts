/**
 * Secret rotation with overlap. When a write replaces a secret (the config's or an entry's own), the
 * replaced one is remembered with the time it was replaced; for a grace period deliveries then carry a
 * Standard Webhooks signature with each of them (`webhook-signature` takes several, space-separated),
 * so a receiver can switch to the new secret on its own schedule. Removing a secret forgets its history:
 * nothing is signed any more.
 */
import type { PreviousSecret, StoredEntry, StoredHttpConfiguration } from './stored-config.js'

/** Replaced secrets remembered per config or entry; older ones are dropped. */
const MAX_PREVIOUS = 3

/** The replaced secrets after `after` replaces `before.key`, newest first (undefined: none to remember). */
export function history(
  before: { key: string | undefined; previous: PreviousSecret[] | undefined } | undefined,
  after: string | undefined,
  now: Date,
): PreviousSecret[] | undefined {
  if (after === undefined || before === undefined) return undefined
  const kept = (before.previous ?? []).filter((previous) => previous.secretKey !== after)
  const next = before.key === undefined || before.key === after ? kept : [{ secretKey: before.key, replacedAt: now.toISOString() }, ...kept]
  return next.length > 0 ? next.slice(0, MAX_PREVIOUS) : undefined
}

function withPrevious<T extends { previousSecrets?: PreviousSecret[] }>(value: T, previous: PreviousSecret[] | undefined): T {
  const { previousSecrets: _dropped, ...rest } = value
  return (previous ? { ...rest, previousSecrets: previous } : rest) as T
}

/**
 * `after` with the history of replaced secrets carried over from `before` (the stored config it
 * replaces; undefined on create). An entry whose own secret replaces the config's one it inherited
 * remembers that one.
 */
export function withSecretHistory(before: StoredHttpConfiguration | undefined, after: StoredHttpConfiguration, now: Date): StoredHttpConfiguration {
  const root = before && { key: before.secretKey, previous: before.previousSecrets }
  const beforeEntries = new Map((before?.eventsConfiguration ?? []).map((entry) => [entry.id, entry]))
  const entry = (next: StoredEntry): StoredEntry => {
    if (next.secretKey === undefined) return withPrevious(next, undefined)
    const old = beforeEntries.get(next.id)
    const effective = old && (old.secretKey === undefined ? root : { key: old.secretKey, previous: old.previousSecrets })
    return withPrevious(next, history(effective, next.secretKey, now))
  }
  return withPrevious({ ...after, eventsConfiguration: after.eventsConfiguration.map(entry) }, history(root, after.secretKey, now))
}

/** The replaced secrets still within `graceMs` of their replacement at `now`, newest first. */
export function secretsInGrace(previous: readonly PreviousSecret[] | undefined, now: Date, graceMs: number): string[] {
  if (!previous || graceMs <= 0) return []
  return previous.filter((p) => now.getTime() - Date.parse(p.replacedAt) < graceMs).map((p) => p.secretKey)
}
