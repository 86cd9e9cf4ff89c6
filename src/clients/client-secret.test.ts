import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CLIENT_ID_PATTERN, hashSecret, newClientId, newClientSecret, secretMatches } from './client-secret.js'

describe('client secrets', () => {
  it('draws ids and secrets at random: 128 and 256 bits', () => {
    const ids = new Set(Array.from({ length: 100 }, newClientId))
    assert.equal(ids.size, 100)
    for (const id of ids) assert.match(id, CLIENT_ID_PATTERN)
    const secret = newClientSecret()
    assert.equal(Buffer.from(secret, 'base64url').length, 32)
    assert.notEqual(newClientSecret(), secret)
  })

  it('matches a secret against any of its hashes, and nothing against a missing or malformed one', () => {
    const secret = newClientSecret()
    const other = hashSecret(newClientSecret())
    assert.equal(secretMatches(secret, [hashSecret(secret)]), true)
    assert.equal(secretMatches(secret, [other, hashSecret(secret)]), true)
    assert.equal(secretMatches(secret, [hashSecret(secret), null]), true)
    assert.equal(secretMatches(secret, [other, null]), false)
    assert.equal(secretMatches(secret, [undefined, null]), false)
    assert.equal(secretMatches(secret, [hashSecret(secret).subarray(0, 16)]), false)
    assert.equal(secretMatches(`${secret} `, [hashSecret(secret)]), false)
    assert.equal(secretMatches('', [hashSecret(secret)]), false)
  })
})
