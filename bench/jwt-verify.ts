/**
 * Micro-benchmark of bearer-token verification, the largest per-request cost bench/api.ts found in our
 * request path. Compares the service's verifier (src/auth/verify-token.ts) with the alternatives.
 *
 *   npx tsx bench/jwt-verify.ts
 *
 * No database, no HTTP: CPU and wall time per verification, one at a time and 32 in flight.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { jwtVerify } from 'jose'
import { mintToken } from '../src/auth/mint-token.js'
import type { Principal } from '../src/auth/principal.js'
import { createTokenVerifier } from '../src/auth/verify-token.js'
import { loadConfig } from '../src/config.js'

const SECRET = 'bench-secret-that-is-long-enough-for-hs256'
const secret = new TextEncoder().encode(SECRET)
const token = await mintToken(secret, { tenant: 'bench', scopes: ['customersegment.segment_read'] })
const verify = createTokenVerifier(loadConfig({ AUTH_SECRET: SECRET }), secret)
const cryptoKey = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
const cache = new Map<string, { principal: Principal; until: number }>()

const variants: Record<string, () => Promise<unknown>> = {
  'src verifier (jose, Uint8Array secret)': () => verify(token),
  'jose jwtVerify, CryptoKey imported once': () => jwtVerify(token, cryptoKey, { algorithms: ['HS256'], clockTolerance: 5, requiredClaims: ['exp'] }),
  'node:crypto HMAC, synchronous (signature only)': async () => {
    const [header, payload, signature] = token.split('.')
    const mac = createHmac('sha256', secret).update(`${header}.${payload}`).digest()
    if (!timingSafeEqual(mac, Buffer.from(signature, 'base64url'))) throw new Error('bad signature')
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  },
  'src verifier behind a verified-token cache (hit)': async () => {
    const hit = cache.get(token)
    if (hit && hit.until > Date.now()) return hit.principal
    const principal = await verify(token)
    cache.set(token, { principal, until: Date.now() + 60_000 })
    return principal
  },
}

const N = 20_000
const ROUNDS = 3
console.log(`node ${process.version}; ${N} verifications per measurement, best of ${ROUNDS}`)
for (const [name, run] of Object.entries(variants)) {
  for (const inFlight of [1, 32]) {
    let best = { wall: Infinity, cpu: Infinity }
    for (let round = 0; round < ROUNDS; round++) {
      let left = N
      const cpu0 = process.cpuUsage()
      const t0 = performance.now()
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (left-- > 0) await run()
        }),
      )
      const cpu = process.cpuUsage(cpu0)
      const wall = ((performance.now() - t0) * 1000) / N
      if (wall < best.wall) best = { wall, cpu: (cpu.user + cpu.system) / N }
    }
    console.log(`${name.padEnd(50)} ${String(inFlight).padStart(2)} in flight: ${best.wall.toFixed(1).padStart(6)} µs wall, ${best.cpu.toFixed(1).padStart(6)} µs CPU per verification`)
  }
}
