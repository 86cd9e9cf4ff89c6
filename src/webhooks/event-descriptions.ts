/**
 * The event catalogue as subscribers read it: each event type's name, description and group in English
 * and German, and its `eventSchema` — the top-level payload fields with their kind — derived from the
 * payload schemas, so the catalogue cannot drift from what is delivered.
 */
import type { TSchema } from 'typebox'
import { type EventType, eventPayloadSchemas, eventTypes } from '../events/catalogue.js'
import type { LanguageMap } from '../domain.js'
import { type Locale, localize } from '../i18n/languages.js'

export interface CatalogueEvent {
  type: EventType
  name: LanguageMap
  description: LanguageMap
  group: LanguageMap
  eventSchema: Record<string, string>
}

const group = { en: 'Customer segment', de: 'Kundensegment' }

const texts: Record<EventType, { name: LanguageMap; description: LanguageMap }> = {
  'customer-segment.segment-created': {
    name: { en: 'Segment created', de: 'Segment angelegt' },
    description: {
      en: 'Sent when a customer segment is created. The payload is the new segment.',
      de: 'Wird gesendet, wenn ein Kundensegment angelegt wird. Die Nutzlast ist das neue Segment.',
    },
  },
  'customer-segment.segment-updated': {
    name: { en: 'Segment updated', de: 'Segment geändert' },
    description: {
      en: 'Sent when a segment changes: its name, description, status, site, validity or custom attributes. The payload is the segment after the change, with the status it had before.',
      de: 'Wird gesendet, wenn sich ein Segment ändert: Name, Beschreibung, Status, Site, Gültigkeit oder eigene Attribute. Die Nutzlast ist das geänderte Segment samt dem vorherigen Status.',
    },
  },
  'customer-segment.segment-deleted': {
    name: { en: 'Segment deleted', de: 'Segment gelöscht' },
    description: {
      en: "Sent when a segment is deleted. A forced delete first sends one deletion event for each of the segment's assignments.",
      de: 'Wird gesendet, wenn ein Segment gelöscht wird. Ein erzwungenes Löschen sendet zuvor für jede Zuordnung des Segments ein eigenes Lösch-Ereignis.',
    },
  },
  'customer-segment.customer-assignment-created': {
    name: { en: 'Customer assigned', de: 'Kunde zugeordnet' },
    description: {
      en: 'Sent when a customer, or a customer acting for a legal entity, is added to a segment.',
      de: 'Wird gesendet, wenn ein Kunde, auch im Namen einer juristischen Person, einem Segment hinzugefügt wird.',
    },
  },
  'customer-segment.customer-assignment-updated': {
    name: { en: 'Customer assignment updated', de: 'Kundenzuordnung geändert' },
    description: {
      en: "Sent when a customer assignment's type or custom attributes change.",
      de: 'Wird gesendet, wenn sich Art oder eigene Attribute einer Kundenzuordnung ändern.',
    },
  },
  'customer-segment.customer-assignment-deleted': {
    name: { en: 'Customer unassigned', de: 'Kundenzuordnung entfernt' },
    description: {
      en: 'Sent when a customer leaves a segment, also when the segment itself is deleted.',
      de: 'Wird gesendet, wenn ein Kunde aus einem Segment entfernt wird, auch beim Löschen des Segments.',
    },
  },
  'customer-segment.item-assignment-created': {
    name: { en: 'Item assigned', de: 'Artikel zugeordnet' },
    description: {
      en: 'Sent when a product or a category is assigned to a segment.',
      de: 'Wird gesendet, wenn einem Segment ein Produkt oder eine Kategorie zugeordnet wird.',
    },
  },
  'customer-segment.item-assignment-updated': {
    name: { en: 'Item assignment updated', de: 'Artikelzuordnung geändert' },
    description: {
      en: "Sent when an item assignment's custom attributes change.",
      de: 'Wird gesendet, wenn sich die eigenen Attribute einer Artikelzuordnung ändern.',
    },
  },
  'customer-segment.item-assignment-deleted': {
    name: { en: 'Item unassigned', de: 'Artikelzuordnung entfernt' },
    description: {
      en: 'Sent when a product or a category is removed from a segment, also when the segment itself is deleted.',
      de: 'Wird gesendet, wenn ein Produkt oder eine Kategorie aus einem Segment entfernt wird, auch beim Löschen des Segments.',
    },
  },
}

type SchemaNode = TSchema & { type?: string; anyOf?: SchemaNode[]; properties?: object; patternProperties?: Record<string, unknown> }

/** A field's kind in the words of the platform's catalogue: String, LocalizedString, Map, Object, … */
function kindOf(schema: SchemaNode): string {
  if (schema.anyOf) return kindOf(schema.anyOf[0])
  switch (schema.type) {
    case 'string':
      return 'String'
    case 'integer':
      return 'Integer'
    case 'number':
      return 'Number'
    case 'boolean':
      return 'Boolean'
    case 'array':
      return 'List'
  }
  if (schema.properties) return 'Object'
  const patterns = Object.keys(schema.patternProperties ?? {})
  // Language maps are keyed by language tags; any other open map is custom data.
  return patterns.length === 1 && patterns[0] !== '^.*$' ? 'LocalizedString' : 'Map'
}

function eventSchemaOf(type: EventType): Record<string, string> {
  const properties = eventPayloadSchemas[type].properties as Record<string, SchemaNode>
  return Object.fromEntries(Object.entries(properties).map(([field, schema]) => [field, kindOf(schema)]))
}

/**
 * The catalogue's texts are in English and German. A reader whose languages and default language are
 * neither gets English: it stands in the place of the default language, which the texts do not have.
 */
function catalogueLocale(locale: Locale): Locale {
  if (!locale.requested) return locale
  return { requested: [...locale.requested, locale.fallback], fallback: 'en' }
}

const catalogue = eventTypes.map((type) => ({ type, ...texts[type], group, eventSchema: eventSchemaOf(type) }))

/** Every event this service publishes, in catalogue order; each text a map narrowed by Accept-Language when given. */
export function catalogueEvents(locale: Locale): CatalogueEvent[] {
  const shownIn = catalogueLocale(locale)
  return catalogue.map((event) => ({
    ...event,
    name: localize(event.name, shownIn),
    description: localize(event.description, shownIn),
    group: localize(event.group, shownIn),
  }))
}
