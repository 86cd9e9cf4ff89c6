/**
 * Trying a filter before saving it: the service evaluates it against a sample payload (by default the
 * latest event of the entry's type from the event log) exactly as routing would, and says whether it
 * matches, or why the filter is not valid.
 */
import { useState } from 'preact/hooks'
import { ok } from '../api/client'
import { JsonField, parseJsonObject } from '../components/json-field'
import { Note } from '../components/note'
import { useAction } from '../components/use-action'
import type { Session } from '../session/session'

const SAMPLE_DAYS = 30

export function FilterTryout({ session, filter, eventType }: { session: Session; filter: string; eventType: string }) {
  const [open, setOpen] = useState(false)
  const [payload, setPayload] = useState('')
  const action = useAction()
  const tenant = session.tenant

  const sample = () => action.run('', async () => {
    const since = new Date(Date.now() - SAMPLE_DAYS * 86_400_000).toISOString()
    const events = await ok(session.api.GET('/webhook/{tenant}/events', { params: { path: { tenant }, query: { type: eventType as never, since, pageSize: '100' } } }))
    const latest = events[events.length - 1]
    setPayload(JSON.stringify(latest?.payload ?? {}, null, 2))
    return latest ? `The payload of the latest ${eventType} event (${new Date(latest.time).toLocaleString()}).` : `No ${eventType} event in the last ${SAMPLE_DAYS} days: write a payload.`
  })
  const tryIt = () => action.run('', async () => {
    const parsed = parseJsonObject(payload)
    if (parsed.error || !parsed.value) throw new Error(`The sample payload is not a JSON object${parsed.error ? `: ${parsed.error}` : ''}.`)
    const verdict = await ok(session.api.POST('/webhook/{tenant}/filter-check', { params: { path: { tenant } }, body: { filter, payload: parsed.value } }))
    if (verdict.error) return `It does not match: ${verdict.error}`
    return verdict.matched ? 'It matches: this event would be sent.' : 'It does not match: this event would not be sent.'
  })

  if (!open) {
    return <div><button type="button" onClick={() => { setOpen(true); if (eventType) void sample() }}>Try the filter</button></div>
  }
  return (
    <div class="filter-tryout" role="group" aria-label="Try the filter">
      <JsonField label="Sample payload" name="sample-payload" text={payload} onChange={setPayload} />
      <div class="row">
        <button type="button" disabled={action.busy} onClick={tryIt}>Check the filter</button>
        {eventType && <button type="button" disabled={action.busy} onClick={sample}>Latest {eventType} payload</button>}
      </div>
      <Note outcome={action.outcome} />
    </div>
  )
}
