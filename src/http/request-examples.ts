/**
 * The request bodies the API document offers as examples, by operation id: what **Try it out** in /docs
 * sends. Each is a request that succeeds on a tenant holding the ids the path names (a test sends every
 * one). The webhook examples deliver to `segments listen --port 4000`, which needs
 * DELIVERY_ALLOW_PRIVATE=true for a receiver on this machine.
 */
const segment = {
  name: { en: 'VIP customers', de: 'VIP-Kunden' },
  description: { en: 'Customers who spent over 1,000 this year' },
  siteCode: 'main',
  status: 'ACTIVE',
  validity: { from: '2026-01-01T00:00:00Z' },
}
const LISTENER = 'http://127.0.0.1:4000/webhooks'
const SINCE = '2026-01-01T00:00:00Z'

export const REQUEST_EXAMPLES: Record<string, unknown> = {
  'POST-customer-segment-create-segment': segment,
  'POST-customer-segment-search-segments': { q: 'status:ACTIVE siteCode:main' },
  'POST-customer-segment-preview-rule': { query: 'tags:wholesale AND (attributes.spent:>=1000 OR attributes.lastOrderAt:>now-30d)' },
  'PUT-customer-segment-upsert-rule': { query: 'tags:wholesale AND attributes.lastOrderAt:>now-30d', b2b: false },
  'PUT-customer-segment-update-segment': segment,
  'PATCH-customer-segment-update-segment': [{ op: 'replace', path: '/status', value: 'INACTIVE' }],
  'POST-customer-segment-create-segments-bulk': [segment, { ...segment, name: { en: 'Newsletter readers' } }],
  'PUT-customer-segment-update-segments-bulk': [{ ...segment, id: 'vip-customers' }],
  'DELETE-customer-segment-remove-segments-bulk': ['vip-customers'],
  'POST-customer-segment-check-match': { siteCode: 'main', items: [{ id: 'espresso-machine' }], segmentIds: ['vip-customers'] },
  'POST-customer-segment-search-customers': { q: 'assignmentType:MANUAL' },
  'PUT-customer-segment-update-customer-by-customerId': { mixins: { loyalty: { tier: 'gold' } } },
  'PUT-customer-segment-update-customer': { mixins: { loyalty: { tier: 'gold' } } },
  'PUT-customer-segment-update-customers-bulk': [{ customerId: 'ada' }, { customerId: 'grace', legalEntityId: 'acme' }],
  'DELETE-customer-segment-remove-customers-bulk': [{ customerId: 'ada' }],
  'POST-customer-segment-search-items': { q: 'type:PRODUCT' },
  'PUT-customer-segment-update-item': { mixins: { placement: { slot: 'homepage' } } },
  'PUT-customer-segment-update-items-bulk': [{ id: 'espresso-machine' }, { id: 'grinder' }],
  'DELETE-customer-segment-remove-items-bulk': ['grinder'],
  'PUT-customer-segment-upsert-directory-customers': [{ id: 'ada', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' }],
  'PUT-customer-segment-upsert-directory-legal-entities': [{ id: 'acme', name: 'Acme GmbH' }],
  'PUT-customer-segment-upsert-directory-products': [{ id: 'espresso-machine', code: 'EM-1', name: { en: 'Espresso machine' }, categoryIds: ['kitchen'] }],
  'PUT-customer-segment-upsert-directory-categories': [{ id: 'kitchen', code: 'KITCHEN', name: { en: 'Kitchen' } }],
  'POST-customer-segment-create-api-client': { name: 'storefront', scopes: ['customersegment.segment_read'] },
  'POST-customer-segment-rotate-api-client-secret': { graceSeconds: 3600 },
  'POST-webhook-create-config': {
    code: 'http',
    active: true,
    provider: 'HTTP',
    configuration: { destinationUrl: LISTENER, secretKey: 'a-secret-of-your-own', eventsConfiguration: [] },
  },
  'PUT-webhook-update-config': {
    active: true,
    provider: 'HTTP',
    configuration: { destinationUrl: LISTENER, eventsConfiguration: [{ eventType: 'customer-segment.segment-created', filter: "$[?(@.siteCode == 'main')]" }] },
  },
  'PATCH-webhook-update-config': [{ op: 'UPSERT', path: '/active', value: true }],
  'POST-webhook-create-portal-endpoint': { url: LISTENER, description: 'Segment changes for the CRM', eventTypes: ['customer-segment.customer-assignment-created', 'customer-segment.customer-assignment-deleted'] },
  'PATCH-webhook-update-portal-endpoint': { disabled: false, eventTypes: null },
  'POST-webhook-rotate-portal-endpoint-secret': {},
  'PATCH-webhook-manage-event-subscriptions': [
    { eventType: 'customer-segment.segment-created', action: 'SUBSCRIBE' },
    { eventType: 'customer-segment.segment-updated', action: 'SUBSCRIBE', fieldsToUnsubscribe: ['mixins'] },
  ],
  'POST-webhook-resend-event': { targetId: 'default' },
  'POST-webhook-recover-target': { since: SINCE },
  'POST-webhook-resend-deliveries': { since: SINCE, state: 'failed' },
}
