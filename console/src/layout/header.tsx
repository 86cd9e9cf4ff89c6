import { href } from '../router'
import { type Session, SCOPES } from '../session/session'
import './header.css'

interface HeaderProps {
  session: Session
  route: string[]
  onSignOut(): void
}

/** The console's navigation: only what the token's scopes allow. */
export function Header({ session, route, onSignOut }: HeaderProps) {
  const segments = session.can(SCOPES.segmentRead) || session.can(SCOPES.segmentManage)
  const webhooks = session.can(SCOPES.webhookRead) || session.can(SCOPES.webhookManage)
  const area = route[0] ?? (segments ? 'segments' : 'webhooks')
  const link = (name: string, label: string) => (
    <li><a href={href(name)} aria-current={area === name ? 'page' : undefined}>{label}</a></li>
  )
  return (
    <header class="header">
      <a class="skip" href="#main" onClick={(event) => { event.preventDefault(); document.getElementById('main')?.focus() }}>Skip to content</a>
      <strong class="brand">Segments console</strong>
      <nav aria-label="Console">
        <ul>
          {segments && link('segments', 'Segments')}
          {segments && link('customers', 'Customer view')}
          {webhooks && link('webhooks', 'Webhooks')}
        </ul>
      </nav>
      <span class="who">Tenant <strong>{session.tenant}</strong></span>
      <button type="button" onClick={onSignOut}>Sign out</button>
    </header>
  )
}
