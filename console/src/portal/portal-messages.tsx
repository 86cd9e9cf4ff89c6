import { ok, type Schemas } from '../api/client'
import { Note } from '../components/note'
import { useAction } from '../components/use-action'
import { CONFIG_CODE, type PortalContext } from './portal'

interface MessagesProps extends PortalContext {
  endpoints: Schemas['PortalEndpoint'][]
  events: Schemas['Event'][]
}

/** The deliveries of the last 24 hours to these endpoints, oldest first, each with a Resend button. */
export function PortalMessages({ tenant, api, reload, endpoints, events }: MessagesProps) {
  const action = useAction()
  const urls = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint.url]))
  const resend = (event: Schemas['Event'], delivery: Schemas['Delivery']) =>
    action.run(`${event.type} is sent again to ${urls.get(delivery.targetId) ?? delivery.targetId}.`, async () => {
      await ok(api.POST('/webhook/{tenant}/events/{eventId}/resend', { params: { path: { tenant, eventId: event.id } }, body: { configCode: CONFIG_CODE, targetId: delivery.targetId } }))
      await reload()
    })
  const rows = events.flatMap((event) => event.deliveries.filter((delivery) => delivery.configCode === CONFIG_CODE).map((delivery) => ({ event, delivery })))
  return (
    <section aria-labelledby="messages-title">
      <h2 id="messages-title">Messages</h2>
      <p class="muted">Deliveries of the last 24 hours to these endpoints, oldest first. <button onClick={reload}>Refresh</button></p>
      {rows.length === 0 ? <p>No deliveries yet.</p> : (
        <table>
          <thead><tr><th scope="col">Event</th><th scope="col">Endpoint</th><th scope="col">Published</th><th scope="col">State</th><th scope="col"><span class="muted">Action</span></th></tr></thead>
          <tbody>
            {rows.map(({ event, delivery }) => (
              <tr data-event={event.id}>
                <td>{event.type}<br /><span class="muted">{event.subject}</span></td>
                <td>{urls.get(delivery.targetId) ?? delivery.targetId}</td>
                <td>{event.time}</td>
                <td class={`state-${delivery.state}`}>
                  {delivery.state}, {delivery.attempts} attempt{delivery.attempts === 1 ? '' : 's'}{delivery.lastStatus ? ` (HTTP ${delivery.lastStatus})` : ''}
                  {delivery.lastError && <><br /><span class="muted">{delivery.lastError}</span></>}
                </td>
                <td><button disabled={action.busy} onClick={() => resend(event, delivery)}>Resend</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Note outcome={action.outcome} />
    </section>
  )
}
