/**
 * A delivery's attempts, oldest first: when, the request's headers, the receiver's status and answer, the
 * error, the time taken.
 */
import { ok } from '../api/client'
import { useLoad } from '../components/use-load'
import type { Session } from '../session/session'

export function DeliveryAttempts({ session, deliveryId }: { session: Session; deliveryId: number }) {
  const attempts = useLoad(
    () => ok(session.api.GET('/webhook/{tenant}/deliveries/{deliveryId}/attempts', { params: { path: { tenant: session.tenant, deliveryId: String(deliveryId) } } })),
    [deliveryId],
  )
  if (attempts.error) return <p role="alert" class="note failed">{attempts.error}</p>
  if (!attempts.data || attempts.data.length === 0) return null
  return (
    <div class="table-scroll">
      <table>
        <caption class="visually-hidden">Attempts of delivery {deliveryId}</caption>
        <thead><tr><th scope="col">#</th><th scope="col">Started</th><th scope="col">Status</th><th scope="col">Took</th><th scope="col">Error</th><th scope="col">Answer</th><th scope="col">Request headers</th></tr></thead>
        <tbody>
          {attempts.data.map((attempt) => (
            <tr data-attempt={attempt.attempt}>
              <td>{attempt.attempt}</td>
              <td>{new Date(attempt.startedAt).toLocaleString()}</td>
              <td>{attempt.status ?? '—'}</td>
              <td>{attempt.durationMs === null ? '—' : `${Math.round(attempt.durationMs)} ms`}</td>
              <td>{attempt.error}</td>
              <td>{attempt.responseExcerpt && <pre>{attempt.responseExcerpt}</pre>}</td>
              <td>{attempt.requestHeaders && (
                <details>
                  <summary>{Object.keys(attempt.requestHeaders).length} headers</summary>
                  <pre>{Object.entries(attempt.requestHeaders).map(([name, value]) => `${name}: ${value}`).join('\n')}</pre>
                </details>
              )}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
