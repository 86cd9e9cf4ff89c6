/** A segment as one caller sees it: localized per Accept-Language (still maps), projected per `fields`. */
import { type Locale, localize } from '../i18n/languages.js'
import { projectFields } from '../query/fields.js'
import type { Segment } from './segment-schemas.js'

export function presentSegment(segment: Segment, locale: Locale, fields: string | undefined) {
  let shown: Segment = segment
  if (locale.requested) {
    shown = { ...segment, name: localize(segment.name, locale) }
    if (segment.description) shown.description = localize(segment.description, locale)
  }
  return projectFields(shown, fields)
}
