/**
 * Whose view a read is. An operator (`customersegment.segment_read`) sees everything, or one customer's
 * segments when asking with `customerId`. A customer (`customersegment.segment_read_own`, token with
 * `customerId`) sees only their own effective segments; `customerId` as a parameter is not theirs to use.
 */
import type { FastifyRequest } from 'fastify'
import type { Membership } from '../assignments/membership.js'
import { SCOPES } from '../auth/principal.js'
import { errors } from '../errors.js'

export interface Reader {
  /** Only segments this customer is assigned to. */
  member?: Membership
  /** Only effective segments (customers always; `onlyActive` for operators where offered). */
  onlyEffective: boolean
  /** True for a customer reading their own data. */
  isCustomer: boolean
}

export function readerOf(
  request: FastifyRequest,
  query: { customerId?: string; legalEntityId?: string } = {},
  operatorScopes: readonly string[] = [SCOPES.segmentRead],
): Reader {
  const { principal } = request
  if (operatorScopes.some((scope) => principal.scopes.has(scope))) {
    if (query.customerId === undefined) return { onlyEffective: false, isCustomer: false }
    const member = { customerId: query.customerId, legalEntityId: query.legalEntityId, anyLegalEntity: true }
    return { member, onlyEffective: false, isCustomer: false }
  }
  // Only customer tokens get here: the route admitted the caller with segment_read_own.
  if (query.customerId !== undefined) throw errors.forbidden("a customer's token reads the customer's own data only, without customerId", 'customer_token')
  if (!principal.customerId) throw errors.forbidden(`the token has the scope ${SCOPES.segmentReadOwn} but no customerId claim`, 'customer_token')
  return {
    member: { customerId: principal.customerId, legalEntityId: principal.legalEntityId ?? query.legalEntityId },
    onlyEffective: true,
    isCustomer: true,
  }
}
