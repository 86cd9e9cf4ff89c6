/**
 * The list's search box in the service's q language: an expression with a field (`status:ACTIVE`,
 * `name.en:~^Gold`) goes as it is; plain words look for segments whose English name contains them, in any
 * case.
 */
import { quoted } from '../members/quoted'

export const escapeRegex = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')

export function segmentQuery(search: string, status: string, siteCode: string): string | undefined {
  const parts: string[] = []
  const text = search.trim()
  if (text.includes(':')) parts.push(text)
  else if (text !== '') parts.push(`name.en:~${quoted(`(?i)${escapeRegex(text)}`)}`)
  if (status) parts.push(`status:${status}`)
  if (siteCode.trim()) parts.push(`siteCode:${quoted(siteCode.trim())}`)
  return parts.length > 0 ? parts.join(' ') : undefined
}
