/** The committed JSON Schema files of the event payloads: their names and exact contents. */
import { eventPayloadSchemas } from './catalogue.js'

export const SCHEMA_DIR = 'schemas/events'

/** File name → file text, for every event type. */
export function eventSchemaFiles(): Map<string, string> {
  return new Map(
    Object.entries(eventPayloadSchemas).map(([type, schema]) => [
      `${type}.json`,
      `${JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema }, null, 2)}\n`,
    ]),
  )
}
