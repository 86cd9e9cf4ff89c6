import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ENGINES, startTestApp, type TestApp } from './support/harness.js'

for (const engine of ENGINES) {
  describe(`harness on ${engine}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(engine)
    })
    after(() => t.close())
    it('creates and reads a segment', async () => {
      const created = await t.call({ method: 'POST', url: '/customer-segment/acme/segments', payload: { name: { en: 'A' }, siteCode: 'main' } })
      assert.equal(created.statusCode, 201)
      const { id } = created.json()
      const read = await t.call({ method: 'GET', url: `/customer-segment/acme/segments/${id}` })
      assert.equal(read.statusCode, 200)
      assert.equal(read.json().status, 'INACTIVE')
    })
  })
}
