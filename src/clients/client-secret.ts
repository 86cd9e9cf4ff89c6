/**
 * API client credentials: ids and secrets drawn from crypto random bytes; a secret is kept only as its
 * SHA-256 hash and checked in constant time. A plain hash is the right tool here: slow hashes (bcrypt,
 * argon2) make guessing a human's password expensive, but a secret of 256 random bits cannot be guessed
 * however fast the hash is, so they would only slow down every token request.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** What a client id looks like; anything else is refused before it reaches the database. */
export const CLIENT_ID_PATTERN = /^[0-9a-f]{32}$/

export function newClientId(): string {
  return randomBytes(16).toString('hex')
}

export function newClientSecret(): string {
  return randomBytes(32).toString('base64url')
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest()
}

/** Compared with when there is no stored hash, so that an unknown client costs what a wrong secret does. */
const NO_HASH = hashSecret(randomBytes(32).toString('base64url'))

/**
 * Whether `secret` matches one of `hashes` (a missing one never matches). Every candidate is compared,
 * whatever the outcome of the others, so the time taken says nothing about which one failed.
 */
export function secretMatches(secret: string, hashes: readonly (Uint8Array | null | undefined)[]): boolean {
  const presented = hashSecret(secret)
  let matched = false
  for (const hash of hashes) {
    const equal = timingSafeEqual(presented, hash?.length === presented.length ? hash : NO_HASH)
    matched = (equal && hash !== null && hash !== undefined) || matched
  }
  return matched
}
