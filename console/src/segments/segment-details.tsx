/** A segment's fields, editable with the manage scope, and its deletion with what goes with it. */
import { ok, type Schemas } from '../api/client'
import { useAction } from '../components/use-action'
import { type Session, SCOPES } from '../session/session'
import { SegmentDelete } from './segment-delete'
import { SegmentForm } from './segment-form'
import './segment-form.css'

export function SegmentDetails({ session, segment, onSaved }: { session: Session; segment: Schemas['Segment']; onSaved(): Promise<void> }) {
  const action = useAction()
  if (!session.can(SCOPES.segmentManage)) {
    return <pre aria-label="The segment as the API answers it">{JSON.stringify(segment, null, 2)}</pre>
  }
  return (
    <>
      <SegmentForm key={segment.metadata?.version} initial={segment} action={action} submitLabel="Save changes" onSubmit={async (fields) => {
        await ok(session.api.PUT('/customer-segment/{tenant}/segments/{segmentId}', { params: { path: { tenant: session.tenant, segmentId: segment.id } }, body: fields }))
        await onSaved()
        return 'Saved.'
      }} />
      <p class="muted">Version {segment.metadata?.version}; created {segment.metadata?.createdAt && new Date(segment.metadata.createdAt).toLocaleString()}.</p>
      <SegmentDelete session={session} segmentId={segment.id} />
    </>
  )
}
