/**
 * The console's frame: signed out, the sign-in page; signed in, the navigation the token's scopes allow
 * and the page the address names.
 */
import { useState } from 'preact/hooks'
import { CustomerView } from './customers/customer-view'
import { Header } from './layout/header'
import { NotFound } from './layout/not-found'
import { useRoute } from './router'
import { SegmentList } from './segments/segment-list'
import { SegmentNew } from './segments/segment-new'
import { SegmentPage } from './segments/segment-page'
import { openSession, type Session, storedToken, storeToken, SCOPES } from './session/session'
import { SignIn } from './session/sign-in'
import { EventLog } from './webhooks/event-log'
import { EventPage } from './webhooks/event-page'
import { WebhookPage } from './webhooks/webhook-page'

function restored(onExpired: () => void): Session | undefined {
  const token = storedToken()
  const session = token === undefined ? undefined : openSession(token, onExpired)
  return typeof session === 'object' ? session : undefined
}

export function App() {
  const [reason, setReason] = useState<string | undefined>(undefined)
  const expired = () => {
    storeToken(undefined)
    setSession(undefined)
    setReason('The session has ended (the token expired or was refused): sign in again.')
  }
  const [session, setSession] = useState<Session | undefined>(() => restored(expired))
  const route = useRoute()

  if (!session) {
    return (
      <SignIn
        reason={reason}
        onToken={(token) => {
          const opened = openSession(token, expired)
          if (typeof opened === 'string') return opened
          storeToken(opened.token)
          setSession(opened)
          return undefined
        }}
      />
    )
  }
  const signOut = () => {
    storeToken(undefined)
    setReason(undefined)
    setSession(undefined)
  }
  return (
    <>
      <Header session={session} route={route} onSignOut={signOut} />
      <main id="main" tabIndex={-1}>{page(session, route)}</main>
    </>
  )
}

function page(session: Session, [area, id, part]: string[]) {
  const segments = session.can(SCOPES.segmentRead) || session.can(SCOPES.segmentManage)
  const webhooks = session.can(SCOPES.webhookRead) || session.can(SCOPES.webhookManage)
  if ((area === undefined || area === 'segments') && segments) {
    if (id === undefined) return <SegmentList session={session} />
    if (id === 'new') return <SegmentNew session={session} />
    return <SegmentPage key={id} session={session} segmentId={id} tab={part} />
  }
  if (area === 'customers' && segments) return <CustomerView session={session} />
  if ((area === 'webhooks' || (area === undefined && webhooks)) && webhooks) {
    if (id === 'events' && part !== undefined) return <EventPage key={part} session={session} eventId={part} />
    if (id === 'events') return <EventLog session={session} />
    return <WebhookPage session={session} />
  }
  return <NotFound session={session} />
}
