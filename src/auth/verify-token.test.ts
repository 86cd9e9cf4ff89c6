import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadConfig } from '../config.js'
import { mintToken } from './mint-token.js'
import type { Principal } from './principal.js'
import { createTokenVerifier, InvalidTokenError, VerifiedTokenCache } from './verify-token.js'

const secret = new TextEncoder().encode('a-secret-that-is-at-least-32-characters')
const config = loadConfig({ AUTH_SECRET: 'a-secret-that-is-at-least-32-characters' })
const principal: Principal = { tenant: 'acme', scopes: new Set(['x']) }

describe('token verification', () => {
  it('accepts a token signed with the secret, and again from its cache', async () => {
    const verify = createTokenVerifier(config, secret)
    const token = await mintToken(secret, { tenant: 'acme', scopes: ['a', 'b'], customerId: 'c1' })
    for (let i = 0; i < 2; i++) {
      const p = await verify(token)
      assert.equal(p.tenant, 'acme')
      assert.deepEqual([...p.scopes], ['a', 'b'])
      assert.equal(p.customerId, 'c1')
    }
  })

  it('refuses a token signed with another secret, every time (failures are not cached)', async () => {
    const verify = createTokenVerifier(config, secret)
    const forged = await mintToken(new TextEncoder().encode('another-secret-that-is-32-characters!'), { tenant: 'acme', scopes: [] })
    for (let i = 0; i < 2; i++) await assert.rejects(verify(forged), InvalidTokenError)
  })

  it('refuses an expired token', async () => {
    const verify = createTokenVerifier(config, secret)
    const expired = await mintToken(secret, { tenant: 'acme', scopes: [], ttl: '-1h' as string })
    await assert.rejects(verify(expired), /expired/)
  })
})

describe('verified token cache', () => {
  it('keeps an entry until the token expires, and no longer than a minute', () => {
    const cache = new VerifiedTokenCache()
    cache.set('soon', principal, 1_000 + 5_000, 1_000)
    assert.equal(cache.get('soon', 5_999), principal)
    assert.equal(cache.get('soon', 6_000), undefined)
    cache.set('later', principal, 1_000 + 3_600_000, 1_000)
    assert.equal(cache.get('later', 60_999), principal)
    assert.equal(cache.get('later', 61_000), undefined)
  })

  it('evicts the oldest entry when full', () => {
    const cache = new VerifiedTokenCache(2)
    cache.set('a', principal, 1e15, 0)
    cache.set('b', principal, 1e15, 0)
    cache.set('c', principal, 1e15, 0)
    assert.equal(cache.get('a', 0), undefined)
    assert.equal(cache.get('b', 0), principal)
    assert.equal(cache.get('c', 0), principal)
  })
})
