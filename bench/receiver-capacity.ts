/**
 * The receiver's raw capacity: autocannon POSTing a typical event to it from the benchmark's process, 16
 * connections for 5 s. Deliveries/s cannot exceed it, so the delivery figures are read against it.
 */
import autocannon from 'autocannon'

export async function receiverCapacity(port: number, tenant: string): Promise<number> {
  const body = JSON.stringify({
    customer: { email: 'jane@example.com', firstName: 'Jane', id: 'c1', lastName: 'Doe' },
    assignmentType: 'MANUAL',
    metadata: { createdAt: new Date().toISOString(), modifiedAt: new Date().toISOString(), version: 1 },
    segmentId: 's1',
    tenant,
  })
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/capacity`,
    method: 'POST',
    connections: 16,
    duration: 5,
    headers: { 'content-type': 'application/json', 'emporix-event-publish-time': new Date().toISOString(), 'webhook-id': 'capacity' },
    body,
  })
  return result.requests.total / result.duration
}
