/**
 * Limits on parsed JSON bodies that JSON itself does not impose but the store does: PostgreSQL text and
 * jsonb cannot hold U+0000 or a lone UTF-16 surrogate, and very deep nesting overflows the stack of the
 * serializers. Such bodies are refused with a 400 before any handler sees them, never a 500 later; a
 * patched document is checked again, since patches can nest values deeper than any one body does.
 */
import { errors } from '../errors.js'

export const MAX_JSON_DEPTH = 64

/** Matches a NUL or a surrogate that is not half of a pair (in `u` mode pairs read as one code point). */
const UNSTORABLE = /\u0000|\p{Cs}/u

/** A visited value; the path to it is rebuilt from the parents only when reporting an error. */
interface Node {
  value: unknown
  key: string
  depth: number
  parent?: Node
}

/** Throws a 400 naming the first offending place (`mixins.a.0`), or returns nothing. */
export function checkJsonLimits(value: unknown): void {
  // Iterative, so the check itself cannot overflow the stack it protects.
  const stack: Node[] = [{ value, key: '', depth: 0 }]
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const current = node.value
    if (typeof current === 'string') {
      if (UNSTORABLE.test(current)) throw unstorable(node)
    } else if (typeof current === 'object' && current !== null) {
      if (node.depth >= MAX_JSON_DEPTH) {
        const field = pathOf(node) ?? ''
        throw errors.validation([{ field, type: 'too_deep', message: `${field ? `'${field}' is ` : ''}nested deeper than ${MAX_JSON_DEPTH} levels` }])
      }
      for (const [key, child] of Object.entries(current)) {
        if (UNSTORABLE.test(key)) throw unstorable({ value: child, key: key.replace(UNSTORABLE, '?'), depth: node.depth + 1, parent: node })
        stack.push({ value: child, key, depth: node.depth + 1, parent: node })
      }
    }
  }
}

function pathOf(node: Node): string | undefined {
  const keys: string[] = []
  for (let at: Node | undefined = node; at?.parent !== undefined; at = at.parent) keys.unshift(at.key)
  return keys.length > 0 ? keys.join('.') : undefined
}

function unstorable(node: Node) {
  const field = pathOf(node) ?? ''
  return errors.validation([{ field, type: 'invalid_text', message: `${field ? `'${field}' ` : ''}must not contain U+0000 or an unpaired surrogate` }])
}
