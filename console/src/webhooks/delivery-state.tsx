import type { Schemas } from '../api/client'
import './delivery-state.css'

const LABELS = { pending: 'Waiting', delivered: 'Delivered', failed: 'Failed' } as const

/** A delivery's state, with its last answer. */
export function DeliveryState({ delivery }: { delivery: Schemas['Delivery'] }) {
  return (
    <span class={`delivery-state ${delivery.state}`}>
      {LABELS[delivery.state]}{delivery.lastStatus !== null ? ` (${delivery.lastStatus})` : ''}
    </span>
  )
}
