import type { Outcome } from './use-action'
import './note.css'

/** An action's outcome: announced politely when it worked, as an alert when it did not. */
export function Note({ outcome }: { outcome: Outcome | undefined }) {
  if (!outcome) return <p role="status" class="note" />
  return outcome.ok ? <p role="status" class="note ok">{outcome.text}</p> : <p role="alert" class="note failed">{outcome.text}</p>
}
