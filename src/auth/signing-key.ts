/**
 * The service's own signing key, which `segments token`, /oauth/token and the verifier share: an
 * asymmetric private key (AUTH_PRIVATE_KEY_FILE, PEM), else the HS256 AUTH_SECRET, else (embedded, no
 * auth settings) an HS256 secret generated in the data dir on first start. There is none when tokens
 * come only from an identity provider (AUTH_JWKS_URL alone).
 */
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type CryptoKey, calculateJwkThumbprint, importJWK, type JWK } from 'jose'
import type { Config } from '../config.js'
import { StartupError } from '../process/startup-error.js'

const SECRET_FILE = 'auth-secret'

/** An HS256 secret: whoever can verify a token can also make one, so it never leaves the service. */
export interface SharedSecret {
  readonly kind: 'shared'
  readonly alg: 'HS256'
  readonly secret: Uint8Array
  /** Where it comes from, for messages (never the secret itself). */
  readonly source: string
}

/** An asymmetric key: tokens are signed with the private half; the public half is published as a JWK. */
export interface KeyPair {
  readonly kind: 'pair'
  readonly alg: AsymmetricAlgorithm
  readonly privateKey: CryptoKey
  readonly publicKey: CryptoKey
  /** The public key as published at /.well-known/jwks.json, with `kid`, `alg` and `use`. */
  readonly publicJwk: JWK
  /** The RFC 7638 thumbprint of the public key: every token names it in its header. */
  readonly kid: string
  readonly source: string
}

export type SigningKey = SharedSecret | KeyPair

export type AsymmetricAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'RS256'

const CURVES: Record<string, AsymmetricAlgorithm> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' }
const MIN_RSA_BITS = 2048

export function sharedSecret(secret: Uint8Array, source: string): SharedSecret {
  return { kind: 'shared', alg: 'HS256', secret, source }
}

function algorithmOf(key: KeyObject, file: string): AsymmetricAlgorithm {
  const details = key.asymmetricKeyDetails ?? {}
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'EdDSA'
    case 'ec': {
      const alg = CURVES[details.namedCurve ?? '']
      if (alg) return alg
      throw new StartupError(`The EC key in AUTH_PRIVATE_KEY_FILE (${file}) is on curve ${details.namedCurve}; use P-256, P-384 or P-521.`)
    }
    case 'rsa':
      if ((details.modulusLength ?? 0) >= MIN_RSA_BITS) return 'RS256'
      throw new StartupError(`The RSA key in AUTH_PRIVATE_KEY_FILE (${file}) has ${details.modulusLength} bits; use at least ${MIN_RSA_BITS}.`)
  }
  throw new StartupError(`The key in AUTH_PRIVATE_KEY_FILE (${file}) is of type ${key.asymmetricKeyType}; use an EC (P-256, P-384, P-521), Ed25519 or RSA key.`)
}

/** Reads a PEM private key (PKCS #8, SEC1 or PKCS #1, unencrypted) into a key pair, or says what is wrong with it. */
export async function keyPairFromPem(pem: string, file: string): Promise<KeyPair> {
  let key: KeyObject
  try {
    key = createPrivateKey(pem)
  } catch {
    // An encrypted key fails with an OpenSSL code that does not say so; its PEM header does.
    const reason = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem) ? 'it is encrypted; store it without a passphrase' : 'it is not a PEM private key'
    throw new StartupError(`AUTH_PRIVATE_KEY_FILE (${file}) cannot be used: ${reason}.`)
  }
  const alg = algorithmOf(key, file)
  const publicJwk = createPublicKey(key).export({ format: 'jwk' }) as JWK
  const kid = await calculateJwkThumbprint(publicJwk)
  return {
    kind: 'pair',
    alg,
    privateKey: (await importJWK(key.export({ format: 'jwk' }) as JWK, alg)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, alg)) as CryptoKey,
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
    kid,
    source: `the ${alg} key in AUTH_PRIVATE_KEY_FILE (${file})`,
  }
}

function readPrivateKeyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new StartupError(`AUTH_PRIVATE_KEY_FILE (${file}) cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`)
  }
}

/**
 * The key the service signs with, or undefined when it only verifies (AUTH_JWKS_URL alone). With
 * `create`, the embedded data dir's secret is generated when it does not exist yet.
 */
export async function resolveSigningKey(config: Config, options: { create: boolean }): Promise<SigningKey | undefined> {
  const { auth } = config
  if (auth.privateKeyFile) return keyPairFromPem(readPrivateKeyFile(auth.privateKeyFile), auth.privateKeyFile)
  if (auth.jwksUrl) return undefined
  if (auth.secret) return sharedSecret(new TextEncoder().encode(auth.secret), 'AUTH_SECRET')
  const file = join(config.dataDir, SECRET_FILE)
  const source = `the secret in ${resolve(file)} (from DATA_DIR)`
  try {
    return sharedSecret(new TextEncoder().encode(readFileSync(file, 'utf8').trim()), source)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !options.create) throw error
  }
  mkdirSync(config.dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' })
  return sharedSecret(new TextEncoder().encode(secret), source)
}
