/**
 * Deleting a segment, with the cascade spelled out first: how many customer and item assignments (and
 * whether a rule) go with it. Only then is `forceDelete=true` sent.
 */
import { useState } from 'preact/hooks'
import { ok, totalOf } from '../api/client'
import { Note } from '../components/note'
import { useAction } from '../components/use-action'
import { go } from '../router'
import type { Session } from '../session/session'

interface Cascade {
  customers: number
  items: number
  rule: boolean
}

export function SegmentDelete({ session, segmentId }: { session: Session; segmentId: string }) {
  const action = useAction()
  const [cascade, setCascade] = useState<Cascade | undefined>(undefined)
  const path = { tenant: session.tenant, segmentId }
  const count = async (answer: Promise<{ response: Response }>) => totalOf((await answer).response) ?? 0

  const check = () => action.run('', async () => {
    const header = { 'x-total-count': 'true' }
    const customers = session.api.GET('/customer-segment/{tenant}/segments/{segmentId}/customers', { params: { path, query: { pageSize: '1' }, header } })
    const items = session.api.GET('/customer-segment/{tenant}/segments/{segmentId}/items', { params: { path, query: { pageSize: '1' }, header } })
    const rule = await session.api.GET('/customer-segment/{tenant}/segments/{segmentId}/rule', { params: { path } })
    await ok(customers)
    await ok(items)
    setCascade({ customers: await count(customers), items: await count(items), rule: rule.response.ok })
  })
  const remove = () => action.run('Deleted.', async () => {
    await ok(session.api.DELETE('/customer-segment/{tenant}/segments/{segmentId}', { params: { path, query: { forceDelete: 'true' } } }))
    go('segments')
  })

  return (
    <section aria-labelledby="delete-title" class="danger-zone">
      <h2 id="delete-title">Delete this segment</h2>
      {!cascade && <button type="button" class="danger" disabled={action.busy} onClick={check}>Delete…</button>}
      {cascade && (
        <div role="group" aria-labelledby="delete-title">
          <p>
            Deleting <strong>{segmentId}</strong> also deletes {cascade.customers} customer assignment{cascade.customers === 1 ? '' : 's'} and {cascade.items} item
            assignment{cascade.items === 1 ? '' : 's'}{cascade.rule ? ', and its rule' : ''}. Each deletion is published as an event. This cannot be undone.
          </p>
          <button type="button" class="danger" disabled={action.busy} onClick={remove}>Delete {segmentId} and its assignments</button>
          <button type="button" onClick={() => setCascade(undefined)}>Keep it</button>
        </div>
      )}
      <Note outcome={action.outcome} />
    </section>
  )
}
