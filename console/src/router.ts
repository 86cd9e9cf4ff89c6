/**
 * Pages are addressed by the location's hash (`#/segments/gold/members`), so every page has a link that
 * can be bookmarked and the service serves one document for all of them.
 */
import { useEffect, useState } from 'preact/hooks'

/** The path parts of the current hash, decoded. */
function currentRoute(): string[] {
  const hash = location.hash.replace(/^#\/?/, '')
  if (hash === '' || hash.startsWith('key=')) return []
  const [path] = hash.split('?')
  return path.split('/').filter(Boolean).map((part) => decodeURIComponent(part))
}

export function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute)
  useEffect(() => {
    const changed = () => setRoute(currentRoute())
    addEventListener('hashchange', changed)
    return () => removeEventListener('hashchange', changed)
  }, [])
  return route
}

/** The href of a page: each part encoded. */
export function href(...parts: string[]): string {
  return `#/${parts.map((part) => encodeURIComponent(part)).join('/')}`
}

export function go(...parts: string[]): void {
  location.hash = href(...parts)
}
