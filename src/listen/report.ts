/** How `segments listen` prints what it received: one readable line, or one JSON line (NDJSON). */
import type { ReceivedRequest } from './receiver.js'
import type { Verdict } from './verify-signatures.js'

const SHOWN: Record<Verdict, string> = { valid: 'yes', invalid: 'no', missing: 'missing' }

/** Header text made safe for a terminal: a sender must not be able to move the cursor or recolour it. */
function printable(value: string | string[] | undefined): string {
  if (value === undefined || value === '') return '-'
  return (Array.isArray(value) ? value.join(',') : value).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
}

/**
 * `<received at> <status> <ce-type> id=<webhook-id> seq=<ce-sequence> subject=<ce-subject>
 * emporix=<yes|no|missing|-> standard-webhooks=<…>` (`-`: not checked, no secret).
 */
export function formatLine({ receivedAt, headers, verification, status }: ReceivedRequest): string {
  const verdict = (scheme: keyof NonNullable<ReceivedRequest['verification']>) => (verification ? SHOWN[verification[scheme]] : '-')
  return [
    receivedAt.toISOString(),
    status,
    printable(headers['ce-type']),
    `id=${printable(headers['webhook-id'])}`,
    `seq=${printable(headers['ce-sequence'])}`,
    `subject=${printable(headers['ce-subject'])}`,
    `emporix=${verdict('emporix')}`,
    `standard-webhooks=${verdict('standardWebhooks')}`,
  ].join(' ')
}

/** The request as one JSON line: the parsed event (or the body text when it is not JSON) and its headers. */
export function formatJson({ receivedAt, path, headers, body, verification, status }: ReceivedRequest): string {
  const text = body.toString('utf8')
  let event: unknown
  try {
    event = JSON.parse(text)
  } catch {
    event = text
  }
  return JSON.stringify({ receivedAt: receivedAt.toISOString(), status, path, verification: verification ?? null, headers, event })
}
