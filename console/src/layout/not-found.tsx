import { href } from '../router'
import type { Session } from '../session/session'

export function NotFound({ session }: { session: Session }) {
  return (
    <section>
      <h1>Nothing here</h1>
      <p>This page does not exist, or the token of tenant {session.tenant} has no scope for it.</p>
      <p><a href={href('segments')}>Segments</a></p>
    </section>
  )
}
