/**
 * How the service's own pages (the console and the webhook portal) are served: everything from this
 * origin and nothing inline, so a strict Content-Security-Policy holds, never cached (a new version is
 * picked up at once), never framed, never sniffed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyReply } from 'fastify'

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

export function securedPage(reply: FastifyReply, type: string): FastifyReply {
  return reply
    .header('content-type', type)
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
}

/** The content type of a page asset, by its file name. */
export function assetType(name: string): string {
  if (name.endsWith('.js')) return 'text/javascript; charset=utf-8'
  if (name.endsWith('.css')) return 'text/css; charset=utf-8'
  if (name.endsWith('.svg')) return 'image/svg+xml'
  if (name.endsWith('.map')) return 'application/json; charset=utf-8'
  if (name.endsWith('.txt')) return 'text/plain; charset=utf-8'
  return 'application/octet-stream'
}

/** The bundle the build makes (console and portal), from src/http/routes or dist/http/routes alike. */
const BUNDLE_DIR = fileURLToPath(new URL('../../../dist/console/', import.meta.url))
let bundle: Map<string, [string, Buffer]> | undefined

/**
 * The bundle's files, read once per process (the build does not change under a running service): name →
 * [content type, body]; empty when the pages are not built.
 */
export function pageBundle(): Map<string, [string, Buffer]> {
  if (!bundle) {
    bundle = existsSync(BUNDLE_DIR) ? new Map(readdirSync(BUNDLE_DIR).map((name) => [name, [assetType(name), readFileSync(join(BUNDLE_DIR, name))]])) : new Map()
  }
  return bundle
}
