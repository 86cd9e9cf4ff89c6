import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { describe, it } from 'node:test'
import { jwtVerify } from 'jose'
import { mintToken } from './mint-token.js'
import { keyPairFromPem } from './signing-key.js'

const pkcs8 = (key: { export(options: object): string | Buffer }) => String(key.export({ type: 'pkcs8', format: 'pem' }))

describe('an asymmetric signing key from a PEM file', () => {
  it('takes EC, Ed25519 and RSA keys, in PKCS #8, SEC1 and PKCS #1, naming the algorithm', async () => {
    const cases: [string, string][] = [
      [pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey), 'ES256'],
      [String(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'sec1', format: 'pem' })), 'ES384'],
      [pkcs8(generateKeyPairSync('ed25519').privateKey), 'EdDSA'],
      [String(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' })), 'RS256'],
    ]
    for (const [pem, alg] of cases) {
      const key = await keyPairFromPem(pem, 'key.pem')
      assert.equal(key.alg, alg)
      assert.equal(key.publicJwk.kid, key.kid)
      assert.equal(key.publicJwk.alg, alg)
      assert.equal(key.publicJwk.d, undefined)
      assert.equal(key.source, `the ${alg} key in AUTH_PRIVATE_KEY_FILE (key.pem)`)
      const token = await mintToken(key, { tenant: 'acme', scopes: ['s'] })
      const { payload, protectedHeader } = await jwtVerify(token, key.publicKey)
      assert.equal(protectedHeader.kid, key.kid)
      assert.equal(payload.tenant, 'acme')
    }
  })

  it('gets the same kid from the same key', async () => {
    const pem = pkcs8(generateKeyPairSync('ed25519').privateKey)
    assert.equal((await keyPairFromPem(pem, 'a')).kid, (await keyPairFromPem(pem, 'b')).kid)
  })

  it('says what is wrong with a key it cannot use', async () => {
    const encrypted = String(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }),
    )
    const refused: [string, RegExp][] = [
      ['not a key', /AUTH_PRIVATE_KEY_FILE \(k\.pem\) cannot be used: it is not a PEM private key/],
      [encrypted, /it is encrypted; store it without a passphrase/],
      [pkcs8(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey), /curve secp256k1; use P-256, P-384 or P-521/],
      [pkcs8(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey), /1024 bits; use at least 2048/],
      [pkcs8(generateKeyPairSync('x25519').privateKey), /type x25519; use an EC/],
    ]
    for (const [pem, message] of refused) await assert.rejects(keyPairFromPem(pem, 'k.pem'), message)
  })
})
