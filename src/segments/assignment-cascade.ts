/**
 * Removing a segment's assignments when the segment is force-deleted: each removed assignment gets its
 * own `*-assignment-deleted` event, in the caller's transaction, before the segment's own event.
 */
import type { Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import { appendEvent } from '../events/outbox.js'

export async function hasAssignments(tx: Transaction<DB>, tenant: string, segmentId: string): Promise<boolean> {
  const [customer, item] = await Promise.all([
    tx.selectFrom('customer_assignment').select('segment_id').where('tenant', '=', tenant).where('segment_id', '=', segmentId).limit(1).executeTakeFirst(),
    tx.selectFrom('item_assignment').select('segment_id').where('tenant', '=', tenant).where('segment_id', '=', segmentId).limit(1).executeTakeFirst(),
  ])
  return customer !== undefined || item !== undefined
}

export async function deleteAssignmentsOf(tx: Transaction<DB>, tenant: string, segmentId: string): Promise<void> {
  const customers = await tx
    .deleteFrom('customer_assignment')
    .where('tenant', '=', tenant)
    .where('segment_id', '=', segmentId)
    .returning(['customer_id', 'legal_entity_id', 'assignment_type'])
    .execute()
  for (const { customer_id: customerId, legal_entity_id: legalEntityId, assignment_type: assignmentType } of customers) {
    const subject = `segments/${segmentId}/customers/${customerId}${legalEntityId ? `/${legalEntityId}` : ''}`
    await appendEvent(tx, {
      type: 'customer-segment.customer-assignment-deleted',
      tenant,
      subject,
      payload: { customerId, ...(legalEntityId ? { legalEntityId } : {}), segmentId, assignmentType, tenant },
    })
  }
  const items = await tx
    .deleteFrom('item_assignment')
    .where('tenant', '=', tenant)
    .where('segment_id', '=', segmentId)
    .returning(['type', 'item_id'])
    .execute()
  for (const { type, item_id: itemId } of items) {
    await appendEvent(tx, {
      type: 'customer-segment.item-assignment-deleted',
      tenant,
      subject: `segments/${segmentId}/items/${type}/${itemId}`,
      payload: { itemId, segmentId, type, tenant },
    })
  }
}
