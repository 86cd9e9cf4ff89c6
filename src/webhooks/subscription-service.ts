/**
 * Event subscription rules. Each update item is applied on its own, in its own transaction, and gets its
 * own result, so one bad item does not undo the good ones. Versions: an event type never subscribed has
 * none (its metadata reads empty), and its first change creates version 1; every later change must carry
 * the latest version (else 409) and, when it changes something, moves it up by one. A change that changes
 * nothing keeps the version.
 */
import { STATUS_CODES } from 'node:http'
import { ApiError, errors } from '../errors.js'
import type { EventType } from '../events/catalogue.js'
import type { WebhookContext } from './config-service.js'
import { checkExcludedFields } from './config-values.js'
import type { Locale } from '../i18n/languages.js'
import { catalogueEvents } from './event-descriptions.js'
import { knownEventType, payloadFields } from './event-types.js'
import { insertSubscription, selectSubscription, selectSubscriptions, type SubscriptionContent, updateSubscription } from './subscription-rows.js'
import type { SubscriptionResult, SubscriptionUpdateItem, WebhookSubscription } from './subscription-schemas.js'
import { webhookErrors } from './webhook-errors.js'

/** The version a subscription's first change creates. */
const FIRST_VERSION = 1

export async function listSubscriptions(ctx: WebhookContext, locale: Locale): Promise<WebhookSubscription[]> {
  const rows = new Map((await selectSubscriptions(ctx.db, ctx.tenant)).map((row) => [row.event_type.toLowerCase(), row]))
  return catalogueEvents(locale).map((event) => {
    const row = rows.get(event.type)
    if (!row) return { event, subscription: 'NONE', excludedFields: [], metadata: {} }
    return {
      event,
      subscription: row.subscribed ? 'SUBSCRIBED' : 'UNSUBSCRIBED',
      excludedFields: row.excluded_fields,
      metadata: { version: row.version, createdAt: row.created_at.toISOString(), modifiedAt: row.modified_at.toISOString() },
    }
  })
}

/** The excluded fields after the item, in payload order. */
function excludedAfter(type: EventType, current: string[], item: SubscriptionUpdateItem): string[] {
  const unsubscribe = checkExcludedFields(item.fieldsToUnsubscribe ?? [], type, 'fieldsToUnsubscribe') as string[]
  const subscribe = checkExcludedFields(item.fieldsToSubscribe ?? [], type, 'fieldsToSubscribe') as string[]
  const both = unsubscribe.find((field) => subscribe.includes(field))
  if (both !== undefined) throw errors.invalidParameter('fieldsToSubscribe', `'${both}' is also in fieldsToUnsubscribe`)
  const excluded = new Set([...current.filter((field) => !subscribe.includes(field)), ...unsubscribe])
  return payloadFields(type).filter((field) => excluded.has(field))
}

function sameContent(a: SubscriptionContent, b: SubscriptionContent): boolean {
  return a.subscribed === b.subscribed && a.excludedFields.join('\n') === b.excludedFields.join('\n')
}

async function updateOne(ctx: WebhookContext, item: SubscriptionUpdateItem): Promise<void> {
  const type = knownEventType(item.eventType)
  if (!type) throw webhookErrors.unknownEventType(item.eventType)
  const version = item.metadata?.version
  await ctx.db.transaction().execute(async (tx) => {
    const row = await selectSubscription(tx, ctx.tenant, type)
    if (!row) {
      // The first change may carry no version, or version 1: the version it creates, which is what the
      // platform's own request example sends. Either way it is a change against "nothing yet", checked
      // as such: a row that appeared meanwhile makes the insert fail (409). Any other version names a
      // state that never existed.
      if (version !== undefined && version !== FIRST_VERSION) throw webhookErrors.staleSubscription(type, undefined)
      const excludedFields = excludedAfter(type, [], item)
      if (item.action === undefined && excludedFields.length === 0) return
      const inserted = await insertSubscription(tx, ctx.tenant, type, { subscribed: item.action === 'SUBSCRIBE', excludedFields })
      if (!inserted) throw webhookErrors.staleSubscription(type, 1)
      return
    }
    if (version !== row.version) throw webhookErrors.staleSubscription(type, row.version)
    const current: SubscriptionContent = { subscribed: row.subscribed, excludedFields: row.excluded_fields }
    const next: SubscriptionContent = {
      subscribed: item.action === undefined ? row.subscribed : item.action === 'SUBSCRIBE',
      excludedFields: excludedAfter(type, row.excluded_fields, item),
    }
    if (!sameContent(current, next)) await updateSubscription(tx, ctx.tenant, type, row.version, next)
  })
}

/** `OK`, `BAD_REQUEST`, `CONFLICT`, …: the status names the platform's multi-status results carry. */
function statusName(code: number): string {
  return (STATUS_CODES[code] ?? 'Error').toUpperCase().replace(/[^A-Z]+/g, '_')
}

export async function updateSubscriptions(ctx: WebhookContext, items: SubscriptionUpdateItem[]): Promise<SubscriptionResult[]> {
  const results: SubscriptionResult[] = []
  for (const item of items) {
    try {
      await updateOne(ctx, item)
      results.push({ eventType: item.eventType, code: 200, status: statusName(200) })
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      results.push({ eventType: item.eventType, code: error.statusCode, status: statusName(error.statusCode), message: error.message })
    }
  }
  return results
}
