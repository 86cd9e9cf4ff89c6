/** The entry of a language map to show: English, else the first one. */
export function localized(map: Record<string, string> | undefined): string {
  if (!map) return ''
  return map.en ?? Object.values(map)[0] ?? ''
}
