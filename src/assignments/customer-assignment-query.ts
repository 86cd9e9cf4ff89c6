/** Listing and searching a segment's customer assignments: q (over assignment and directory fields), sort, paging. */
import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.js'
import { actsIn, type Membership } from './membership.js'
import type { FieldMap } from '../query/field-map.js'
import { fetchPage, type PageRequest } from '../query/list-page.js'
import { compileQ } from '../query/q-compiler.js'
import { type CustomerAssignment, enrichCustomerAssignments } from './customer-assignments.js'

const customerAssignmentFields: FieldMap = {
  assignmentType: { type: 'enum', column: 'ca.assignment_type', values: ['MANUAL', 'AUTOMATIC'] },
  'customer.id': { type: 'string', column: 'ca.customer_id' },
  'customer.email': { type: 'string', column: 'dc.email' },
  'customer.firstName': { type: 'string', column: 'dc.first_name' },
  'customer.lastName': { type: 'string', column: 'dc.last_name' },
  'legalEntity.id': { type: 'string', column: 'ca.legal_entity_ref' },
  'legalEntity.name': { type: 'string', column: 'dl.name' },
  'metadata.createdAt': { type: 'date', column: 'ca.created_at' },
  'metadata.modifiedAt': { type: 'date', column: 'ca.modified_at' },
  'metadata.version': { type: 'number', column: 'ca.version' },
  'mixins.*': { type: 'json', column: 'ca.mixins' },
}

export interface AssignmentListQuery extends PageRequest {
  q?: string
  /** Only this customer's assignments (a customer reading their own, or an operator asking). */
  member?: Membership
}

export async function listCustomerAssignments(
  db: Kysely<DB>,
  tenant: string,
  segmentId: string,
  query: AssignmentListQuery,
): Promise<{ items: CustomerAssignment[]; total?: number }> {
  let matching = db
    .selectFrom('customer_assignment as ca')
    .leftJoin('directory_customer as dc', (join) => join.onRef('dc.tenant', '=', 'ca.tenant').onRef('dc.id', '=', 'ca.customer_id'))
    .leftJoin('directory_legal_entity as dl', (join) => join.onRef('dl.tenant', '=', 'ca.tenant').onRef('dl.id', '=', 'ca.legal_entity_id'))
    .where('ca.tenant', '=', tenant)
    .where('ca.segment_id', '=', segmentId)
    .where(compileQ(query.q, customerAssignmentFields))
  if (query.member) matching = matching.where('ca.customer_id', '=', query.member.customerId).where(actsIn('ca', query.member))
  const { rows, total } = await fetchPage(
    matching,
    (q) => q.selectAll('ca'),
    customerAssignmentFields,
    ['ca.customer_id', 'ca.legal_entity_id'],
    query,
    sql<number>`octet_length(ca::text)`,
  )
  return { items: await enrichCustomerAssignments(db, tenant, rows), total }
}
