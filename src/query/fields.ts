/**
 * The `fields` projection (conventions §1.4): `fields=name.en,metadata.version` keeps only those
 * paths of a response object, plus `id`. Without the parameter the object is returned as is.
 * Paths that do not exist are left out, not refused; arrays are leaves (a path cannot go into one).
 */

/** What a projection can leave of T: any subset of its keys, at any depth. */
export type Projected<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? Projected<T[K]> : T[K]
}

/** A selected key is either taken whole (`true`) or narrowed further. */
type Selection = Map<string, Selection | true>

/** Whether `fields` keeps the whole object (absent or blank). */
export function keepsAll(fields: string | undefined): boolean {
  return fields === undefined || fields.trim() === ''
}

export function projectFields<T extends object>(obj: T, fields: string | undefined): Projected<T> {
  if (fields === undefined || keepsAll(fields)) return obj
  const selection: Selection = new Map([['id', true]])
  for (const path of fields.split(',')) {
    const segments = path.trim().split('.')
    if (segments.includes('')) continue
    let node = selection
    for (const [index, segment] of segments.entries()) {
      const existing = node.get(segment)
      if (existing === true) break
      if (index === segments.length - 1) {
        node.set(segment, true)
      } else if (existing === undefined) {
        const child: Selection = new Map()
        node.set(segment, child)
        node = child
      } else {
        node = existing
      }
    }
  }
  return project(obj, selection) as Projected<T>
}

function project(source: object, selection: Selection): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  // Walking the source keeps its key order, so responses read the same with or without `fields`.
  for (const [key, value] of Object.entries(source)) {
    const selected = selection.get(key)
    if (selected === undefined) continue
    if (selected === true) {
      define(out, key, value)
    } else if (isPlainObject(value)) {
      const inner = project(value, selected)
      if (Object.keys(inner).length > 0) define(out, key, inner)
    }
  }
  return out
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Plain assignment of a `__proto__` key (possible in parsed JSON) would set the prototype instead. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}
