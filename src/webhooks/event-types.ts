/**
 * Event types as the webhook API takes them: any case (`CUSTOMER-SEGMENT.SEGMENT-CREATED` is
 * `customer-segment.segment-created`), stored and answered as the catalogue spells them; and the
 * top-level payload fields of each, which are what excluded fields may name.
 */
import { type EventType, eventPayloadSchemas, eventTypes } from '../events/catalogue.js'

const byLowerCase = new Map<string, EventType>(eventTypes.map((type) => [type.toLowerCase(), type]))

/** The catalogue's spelling of `type`, or undefined when the service does not publish it. */
export function knownEventType(type: string): EventType | undefined {
  return byLowerCase.get(type.toLowerCase())
}

/** The top-level keys an event type's payload may carry. */
export function payloadFields(type: EventType): string[] {
  return Object.keys(eventPayloadSchemas[type].properties)
}
