/**
 * Directory entries sent through a running service's Directory API (`PUT …/directory/{kind}`, 207 per
 * entry), for `segments import` while `serve` holds the embedded data dir. The token is signed with the
 * same key the service verifies (the data dir's secret or the configured key), for the one tenant.
 */
import { mintToken } from '../auth/mint-token.js'
import { SCOPES } from '../auth/principal.js'
import type { SigningKey } from '../auth/signing-key.js'
import { StartupError } from '../process/startup-error.js'
import type { DirectoryKind } from './directory-kinds.js'
import type { EntryWriter } from './import-file.js'

interface BulkResult {
  index: number
  code: number
  message?: string
}

export async function serviceWriter<E extends { id: string }>(
  url: string,
  key: SigningKey,
  tenant: string,
  kind: DirectoryKind<E>,
  claims: { issuer?: string; audience?: string },
  /** The service's request body limit (BODY_LIMIT_BYTES): a batch is sent in requests that fit it. */
  bodyBytes: number,
): Promise<EntryWriter<E>> {
  const token = await mintToken(key, { tenant, scopes: [SCOPES.segmentManage], ttl: '12h', ...claims })
  const endpoint = `${url}/customer-segment/${tenant}/directory/${kind.name}`
  const put = async (entries: E[]): Promise<Map<number, string>> => {
    let response: Response
    try {
      response = await fetch(endpoint, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(entries) })
    } catch (error) {
      throw new StartupError(`The running service at ${url} cannot be reached (${(error as Error).message}); nothing more was imported.`)
    }
    const body = (await response.json().catch(() => undefined)) as BulkResult[] | { message?: string } | undefined
    if (response.status !== 207 || !Array.isArray(body)) {
      const message = body && !Array.isArray(body) && body.message ? body.message : `status ${response.status}`
      throw new StartupError(`The running service at ${url} refused the import: ${message}`)
    }
    return new Map(body.filter((result) => result.code >= 300).map((result) => [result.index - 1, result.message ?? `status ${result.code}`]))
  }
  return async (batch) => {
    const refused = new Map<number, string>()
    let start = 0
    let size = 2
    const flush = async (end: number) => {
      for (const [index, message] of await put(batch.slice(start, end))) refused.set(start + index, message)
      start = end
      size = 2
    }
    for (const [index, entry] of batch.entries()) {
      const bytes = Buffer.byteLength(JSON.stringify(entry)) + 1
      if (bytes + 2 > bodyBytes) {
        if (index > start) await flush(index)
        refused.set(index, `larger than the service takes in one request (BODY_LIMIT_BYTES, ${bodyBytes} bytes)`)
        start = index + 1
        continue
      }
      if (size + bytes > bodyBytes) await flush(index)
      size += bytes
    }
    if (batch.length > start) await flush(batch.length)
    return refused
  }
}
