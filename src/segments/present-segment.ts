/** A segment as one caller sees it: localized per Accept-Language, projected per `fields`. */
import { pickLanguage } from '../i18n/languages.js'
import { projectFields } from '../query/fields.js'
import type { Segment } from './segment-schemas.js'

export function presentSegment(segment: Segment, languages: string[] | undefined, fields: string | undefined) {
  let shown: Record<string, unknown> = segment as unknown as Record<string, unknown>
  if (languages) {
    shown = { ...segment, name: pickLanguage(segment.name, languages) }
    if (segment.description) shown.description = pickLanguage(segment.description, languages)
  }
  return projectFields(shown, fields)
}
