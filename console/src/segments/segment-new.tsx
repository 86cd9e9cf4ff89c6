import { ok } from '../api/client'
import { useAction } from '../components/use-action'
import { go, href } from '../router'
import type { Session } from '../session/session'
import { SegmentForm } from './segment-form'
import './segment-form.css'

export function SegmentNew({ session }: { session: Session }) {
  const action = useAction()
  return (
    <section aria-labelledby="new-title">
      <p><a href={href('segments')}>Segments</a></p>
      <h1 id="new-title">New segment</h1>
      <SegmentForm action={action} submitLabel="Create segment" onSubmit={async (fields) => {
        const created = await ok(session.api.POST('/customer-segment/{tenant}/segments', { params: { path: { tenant: session.tenant } }, body: fields }))
        go('segments', created.id)
      }} />
    </section>
  )
}
