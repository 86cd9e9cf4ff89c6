/**
 * Where the HS256 secret comes from: AUTH_SECRET, or (embedded, no auth settings) a secret generated in
 * the data dir on first start, which `segments token` reads too.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config.js'

const SECRET_FILE = 'auth-secret'

/** The HS256 secret as bytes, or undefined when tokens are verified against a JWKS. */
export function resolveSigningSecret(config: Config, options: { create: boolean }): Uint8Array | undefined {
  if (config.auth.kind === 'jwks') return undefined
  if (config.auth.secret) return new TextEncoder().encode(config.auth.secret)
  const file = join(config.dataDir, SECRET_FILE)
  try {
    return new TextEncoder().encode(readFileSync(file, 'utf8').trim())
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !options.create) throw error
  }
  mkdirSync(config.dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' })
  return new TextEncoder().encode(secret)
}
