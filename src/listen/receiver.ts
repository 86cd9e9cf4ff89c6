/**
 * A local webhook receiver for integrators (`segments listen`): takes POSTs on any path, checks their
 * signatures when it knows the secret, answers the configured 2xx (or 401), and reports each request.
 * HEAD and OPTIONS succeed, so the URL passes a destination check; other methods get 405.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isAccepted, type Verification, verifyRequest } from './verify-signatures.js'

const MAX_BODY_BYTES = 10 * 1024 * 1024

export interface ReceivedRequest {
  receivedAt: Date
  path: string
  headers: IncomingHttpHeaders
  body: Buffer
  /** Absent when the receiver has no secret to check with. */
  verification?: Verification
  status: number
}

export interface ReceiverOptions {
  port: number
  host: string
  secret?: string
  /** The 2xx answered to an accepted request. */
  status: number
  onRequest(request: ReceivedRequest): void
}

export interface Receiver {
  url: string
  close(): Promise<void>
}

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge()
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

function headerLookup(headers: IncomingHttpHeaders) {
  return (name: string): string | undefined => {
    const value = headers[name]
    return Array.isArray(value) ? value.join(' ') : value
  }
}

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const server = createServer(async (request, response) => {
    if (request.method === 'HEAD' || request.method === 'OPTIONS') {
      response.writeHead(204, { allow: 'POST, HEAD, OPTIONS' }).end()
      return
    }
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST, HEAD, OPTIONS' }).end()
      return
    }
    let body: Buffer
    try {
      body = await readBody(request)
    } catch (error) {
      if (error instanceof BodyTooLarge) response.writeHead(413, { connection: 'close' }).end()
      else response.destroy()
      return
    }
    const receivedAt = new Date()
    const verification = options.secret === undefined ? undefined : verifyRequest(options.secret, body, headerLookup(request.headers), receivedAt)
    const status = verification === undefined || isAccepted(verification) ? options.status : 401
    response.writeHead(status, status === 401 ? { 'content-type': 'text/plain; charset=utf-8' } : {})
    response.end(status === 401 ? 'The webhook signature is missing or wrong.\n' : undefined)
    options.onRequest({ receivedAt, path: request.url ?? '/', headers: request.headers, body, verification, status })
  })
  server.listen(options.port, options.host)
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const { address, port } = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeIdleConnections()
      }),
  }
}
