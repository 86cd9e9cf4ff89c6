import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isUnreachable, trackAvailability } from './availability.js'

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code })
}

describe('isUnreachable', () => {
  it('knows refused, dropped and closing connections', () => {
    assert.equal(isUnreachable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')), true)
    assert.equal(isUnreachable(withCode('terminating connection due to administrator command', '57P01')), true)
    assert.equal(isUnreachable(withCode('the database system is starting up', '57P03')), true)
    assert.equal(isUnreachable(withCode('terminating connection due to conflict with recovery', '57P04')), true)
    assert.equal(isUnreachable(withCode('connection failure', '08006')), true)
    assert.equal(isUnreachable(new Error('Connection terminated unexpectedly')), true)
    assert.equal(isUnreachable(new Error('timeout exceeded when trying to connect')), true)
    assert.equal(isUnreachable(new Error('Client has encountered a connection error and is not queryable')), true)
    const bothAddresses = new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], '')
    assert.equal(isUnreachable(bothAddresses), true)
  })

  it('leaves statement errors alone', () => {
    assert.equal(isUnreachable(withCode('syntax error at or near "selec"', '42601')), false)
    assert.equal(isUnreachable(withCode('canceling statement due to statement timeout', '57014')), false)
    assert.equal(isUnreachable(withCode('duplicate key value violates unique constraint', '23505')), false)
    assert.equal(isUnreachable(new TypeError('x is not a function')), false)
    assert.equal(isUnreachable('ECONNREFUSED'), false)
  })
})

/** A tracker whose probe fails `failures` times, then succeeds; with what it logged. */
function tracker(failures: number) {
  const logged: string[] = []
  let probes = 0
  const availability = trackAvailability({
    probe: async () => {
      probes += 1
      if (probes <= failures) throw withCode('connect ECONNREFUSED', 'ECONNREFUSED')
    },
    log: { warn: (_details, message) => logged.push(message) },
    minDelayMs: 5,
    maxDelayMs: 20,
  })
  return { availability, logged, probes: () => probes }
}

const refused = () => withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')

describe('trackAvailability', () => {
  it('ignores errors that are not about reaching the database', async () => {
    const { availability, probes } = tracker(0)
    assert.equal(availability.report(withCode('bad', '42601')), false)
    assert.equal(availability.reachable, true)
    await availability.whenReachable()
    assert.equal(probes(), 0)
  })

  it('dismisses a suspected outage the probe disproves, without a warning', async () => {
    const { availability, logged, probes } = tracker(0)
    assert.equal(availability.report(refused()), true)
    await availability.whenReachable()
    assert.equal(availability.reachable, true)
    assert.equal(probes(), 1)
    assert.deepEqual(logged, [])
  })

  it('warns once when the database goes, once when it is back, and releases the waiters then', async () => {
    const { availability, logged, probes } = tracker(3)
    availability.report(refused())
    availability.report(refused())
    const back = availability.whenReachable().then(() => availability.reachable)
    for (let i = 0; i < 10; i++) availability.report(refused())
    assert.equal(await back, true)
    assert.equal(probes(), 4, 'one probe loop, however many failures were reported')
    assert.equal(logged.length, 2)
    assert.match(logged[0], /database unreachable/)
    assert.match(logged[1], /database reachable again/)
  })

  it('takes an opened connection as proof the database is back', async () => {
    const { availability, logged } = tracker(1_000)
    availability.report(refused())
    const back = availability.whenReachable()
    await new Promise((resolve) => setTimeout(resolve, 30))
    assert.equal(availability.reachable, false)
    availability.reached()
    await back
    assert.equal(availability.reachable, true)
    assert.deepEqual(logged.map((m) => m.split(';')[0]), ['database unreachable', 'database reachable again'])
    availability.close()
  })

  it('releases waiters when closed', async () => {
    const { availability } = tracker(1_000)
    availability.report(refused())
    const waiting = availability.whenReachable()
    availability.close()
    await waiting
  })
})
