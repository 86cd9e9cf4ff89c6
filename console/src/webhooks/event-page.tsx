/** One event: its payload and its deliveries, each with its attempts, and resending it to a target. */
import { ok, type Schemas } from '../api/client'
import { Note } from '../components/note'
import { useAction } from '../components/use-action'
import { useLoad } from '../components/use-load'
import { href } from '../router'
import { type Session, SCOPES } from '../session/session'
import { DeliveryAttempts } from './delivery-attempts'
import { DeliveryState } from './delivery-state'

export function EventPage({ session, eventId }: { session: Session; eventId: string }) {
  const tenant = session.tenant
  const event = useLoad(() => ok(session.api.GET('/webhook/{tenant}/events/{eventId}', { params: { path: { tenant, eventId } } })), [eventId])
  const action = useAction()
  const resend = (delivery: Schemas['Delivery']) => action.run(`The event is sent again to ${delivery.configCode}/${delivery.targetId}.`, async () => {
    await ok(session.api.POST('/webhook/{tenant}/events/{eventId}/resend', { params: { path: { tenant, eventId } }, body: { configCode: delivery.configCode, targetId: delivery.targetId } }))
    await event.reload()
  })

  return (
    <section aria-labelledby="event-title">
      <p><a href={href('webhooks', 'events')}>Event log</a></p>
      {event.error && <p role="alert" class="note failed">{event.error}</p>}
      {event.data && (
        <>
          <h1 id="event-title"><code>{event.data.type}</code></h1>
          <p>{event.data.subject} · {new Date(event.data.time).toLocaleString()} · sequence {event.data.sequence} · id <code>{event.data.id}</code></p>
          <h2>Deliveries</h2>
          {event.data.deliveries.length === 0 && <p>None: no target took this event.</p>}
          {event.data.deliveries.map((delivery) => (
            <article class="delivery" data-delivery={`${delivery.configCode}/${delivery.targetId}`} aria-label={`Delivery to ${delivery.configCode}/${delivery.targetId}`}>
              <h3>{delivery.configCode}/{delivery.targetId} <DeliveryState delivery={delivery} /></h3>
              <p class="muted">
                {delivery.attempts} attempt{delivery.attempts === 1 ? '' : 's'}
                {delivery.nextAttemptAt ? `; next at ${new Date(delivery.nextAttemptAt).toLocaleString()}` : ''}
                {delivery.lastError ? `; last error: ${delivery.lastError}` : ''}
              </p>
              {session.can(SCOPES.webhookManage) && (
                <button type="button" disabled={action.busy} onClick={() => resend(delivery)}>Resend to {delivery.configCode}/{delivery.targetId}</button>
              )}
              <DeliveryAttempts key={`${delivery.id}-${delivery.attempts}`} session={session} deliveryId={delivery.id} />
            </article>
          ))}
          <Note outcome={action.outcome} />
          <h2>Payload</h2>
          <pre>{JSON.stringify(event.data.payload, null, 2)}</pre>
          <button type="button" onClick={event.reload}>Refresh</button>
        </>
      )}
    </section>
  )
}
