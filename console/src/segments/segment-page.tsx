/** One segment: its details, members, items and rule, each a tab with an address of its own. */
import { ok } from '../api/client'
import { useLoad } from '../components/use-load'
import { ItemList } from '../members/item-list'
import { MemberList } from '../members/member-list'
import { href } from '../router'
import { RuleEditor } from '../rules/rule-editor'
import type { Session } from '../session/session'
import { localized } from './localized'
import { SegmentDetails } from './segment-details'
import { StatusBadge } from './status-badge'
import './segment-page.css'

const TABS = [
  ['', 'Details'],
  ['members', 'Members'],
  ['items', 'Items'],
  ['rule', 'Rule'],
] as const

export function SegmentPage({ session, segmentId, tab = '' }: { session: Session; segmentId: string; tab?: string }) {
  const segment = useLoad(
    () => ok(session.api.GET('/customer-segment/{tenant}/segments/{segmentId}', { params: { path: { tenant: session.tenant, segmentId } } })),
    [segmentId],
  )
  return (
    <section aria-labelledby="segment-title">
      <p><a href={href('segments')}>Segments</a></p>
      <h1 id="segment-title">{segment.data ? localized(segment.data.name) || segmentId : segmentId} {segment.data && <StatusBadge status={segment.data.status} />}</h1>
      {segment.error && <p role="alert" class="note failed">{segment.error}</p>}
      <nav class="tabs" aria-label="Segment">
        {TABS.map(([name, label]) => (
          <a href={name ? href('segments', segmentId, name) : href('segments', segmentId)} aria-current={tab === name ? 'page' : undefined}>{label}</a>
        ))}
      </nav>
      {segment.data && tab === '' && <SegmentDetails session={session} segment={segment.data} onSaved={segment.reload} />}
      {segment.data && tab === 'members' && <MemberList session={session} segmentId={segmentId} />}
      {segment.data && tab === 'items' && <ItemList session={session} segmentId={segmentId} />}
      {segment.data && tab === 'rule' && <RuleEditor session={session} segmentId={segmentId} />}
    </section>
  )
}
