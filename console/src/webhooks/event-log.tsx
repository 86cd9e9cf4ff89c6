/** The event log: events since a time, by type and delivery state, each with its deliveries per target. */
import { useState } from 'preact/hooks'
import { aDayAgo } from '../components/local-time'
import { ok } from '../api/client'
import { Pager } from '../components/pager'
import { useLoad } from '../components/use-load'
import { href } from '../router'
import type { Session } from '../session/session'
import { DeliveryState } from './delivery-state'

const PAGE_SIZE = 25


export function EventLog({ session }: { session: Session }) {
  const [since, setSince] = useState(aDayAgo)
  const [type, setType] = useState('')
  const [state, setState] = useState('')
  const [page, setPage] = useState(1)
  const types = useLoad(() => ok(session.api.GET('/webhook/{tenant}/event-subscriptions', { params: { path: { tenant: session.tenant } } })), [])
  const events = useLoad(() => {
    const query = {
      since: new Date(since).toISOString(),
      ...(type ? { type: type as never } : {}),
      ...(state ? { deliveryState: state as 'pending' | 'delivered' | 'failed' } : {}),
      pageNumber: String(page),
      pageSize: String(PAGE_SIZE),
    }
    return ok(session.api.GET('/webhook/{tenant}/events', { params: { path: { tenant: session.tenant }, query } }))
  }, [since, type, state, page])

  return (
    <section aria-labelledby="events-title">
      <p><a href={href('webhooks')}>Webhooks</a></p>
      <h1 id="events-title">Event log</h1>
      <form class="row" onSubmit={(event) => event.preventDefault()}>
        <label>Since<input type="datetime-local" value={since} onInput={(e) => { setSince(e.currentTarget.value); setPage(1) }} /></label>
        <label>Type
          <select value={type} onChange={(e) => { setType(e.currentTarget.value); setPage(1) }}>
            <option value="">Any</option>
            {types.data?.map((subscription) => <option value={subscription.event.type}>{subscription.event.type}</option>)}
          </select>
        </label>
        <label>Deliveries
          <select value={state} onChange={(e) => { setState(e.currentTarget.value); setPage(1) }}>
            <option value="">Any</option><option value="pending">Some waiting</option><option value="failed">Some failed</option><option value="delivered">Some delivered</option>
          </select>
        </label>
        <button type="button" onClick={events.reload}>Refresh</button>
      </form>
      {events.error && <p role="alert" class="note failed">{events.error}</p>}
      <div class="table-scroll">
        <table aria-busy={events.loading}>
          <caption class="visually-hidden">Events, oldest first</caption>
          <thead><tr><th scope="col">Time</th><th scope="col">Type</th><th scope="col">Subject</th><th scope="col">Deliveries</th></tr></thead>
          <tbody>
            {events.data?.map((event) => (
              <tr data-event={event.id}>
                <td><a href={href('webhooks', 'events', event.id)}>{new Date(event.time).toLocaleString()}</a></td>
                <td><code>{event.type}</code></td>
                <td>{event.subject}</td>
                <td>{event.deliveries.length === 0 ? <span class="muted">None (no target took it)</span> : event.deliveries.map((delivery) => (
                  <div>{delivery.configCode}/{delivery.targetId}: <DeliveryState delivery={delivery} /></div>
                ))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {events.data && <Pager page={page} pageSize={PAGE_SIZE} shown={events.data.length} onPage={setPage} />}
    </section>
  )
}
