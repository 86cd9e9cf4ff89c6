import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_RETRY_DELAYS_MS, judgeAttempt, parseRetryAfter, scheduledDelay } from './retry-policy.js'

const now = new Date('2026-03-01T12:00:00.000Z')
const SECOND = 1_000
const in_ = (verdict: ReturnType<typeof judgeAttempt>) => {
  assert.equal(verdict.state, 'pending')
  return verdict.state === 'pending' ? verdict.nextAttemptAt.getTime() - now.getTime() : Number.NaN
}

describe('retry policy', () => {
  it('delivers on any 2xx', () => {
    for (const status of [200, 201, 202, 204, 299]) assert.deepEqual(judgeAttempt({ result: { status }, attempt: 1, now, random: 0.5 }), { state: 'delivered' })
  })

  it('follows the schedule 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h and gives up after the 8th attempt', () => {
    const expected = [5, 300, 1800, 7200, 18000, 36000, 36000].map((s) => s * SECOND)
    assert.deepEqual(DEFAULT_RETRY_DELAYS_MS, expected)
    for (let attempt = 1; attempt <= 7; attempt++) {
      assert.equal(in_(judgeAttempt({ result: { status: 500 }, attempt, now, random: 0.5 })), expected[attempt - 1])
    }
    const last = judgeAttempt({ result: { status: 500 }, attempt: 8, now, random: 0.5 })
    assert.equal(last.state, 'failed')
    assert.match(last.state === 'failed' ? last.error : '', /HTTP 500; gave up after 8 attempts/)
  })

  it('jitters each delay by at most ±20 %', () => {
    assert.equal(scheduledDelay(1, DEFAULT_RETRY_DELAYS_MS, 0), 4 * SECOND)
    assert.equal(scheduledDelay(1, DEFAULT_RETRY_DELAYS_MS, 0.999999), 6 * SECOND)
    for (let i = 0; i < 200; i++) {
      const delay = scheduledDelay(2, DEFAULT_RETRY_DELAYS_MS, Math.random()) as number
      assert.ok(delay >= 240 * SECOND && delay <= 360 * SECOND, String(delay))
    }
  })

  it('treats network errors, 3xx and 4xx other than 410 as failures to retry', () => {
    const refused = judgeAttempt({ result: { error: 'ECONNREFUSED' }, attempt: 1, now, random: 0.5 })
    assert.equal(in_(refused), 5 * SECOND)
    assert.equal(refused.state === 'pending' && refused.error, 'ECONNREFUSED')
    assert.equal(judgeAttempt({ result: { status: 302, error: 'redirect not followed (HTTP 302)' }, attempt: 1, now, random: 0.5 }).state, 'pending')
    assert.equal(judgeAttempt({ result: { status: 400 }, attempt: 1, now, random: 0.5 }).state, 'pending')
  })

  it('410 Gone fails the delivery and disables the target', () => {
    const verdict = judgeAttempt({ result: { status: 410 }, attempt: 1, now, random: 0.5 })
    assert.equal(verdict.state, 'failed')
    assert.ok(verdict.state === 'failed' && verdict.disableTarget)
  })

  it('honours Retry-After on 429 and 503, clamped to [scheduled, 2 × scheduled]', () => {
    const judge = (status: number, retryAfter: string, attempt = 1) => in_(judgeAttempt({ result: { status, retryAfter }, attempt, now, random: 0.5 }))
    assert.equal(judge(429, '7'), 7 * SECOND)
    assert.equal(judge(503, '7'), 7 * SECOND)
    assert.equal(judge(429, '1'), 5 * SECOND, 'never sooner than scheduled')
    assert.equal(judge(429, '3600'), 10 * SECOND, 'never later than twice the scheduled delay')
    assert.equal(judge(503, 'Sun, 01 Mar 2026 12:00:08 GMT'), 8 * SECOND)
    assert.equal(judge(503, 'Sun, 01 Mar 2026 11:00:00 GMT'), 5 * SECOND, 'a past date is the scheduled delay')
    assert.equal(judge(429, 'soon'), 5 * SECOND, 'an unreadable value is ignored')
    assert.equal(judge(500, '8'), 5 * SECOND, 'only 429 and 503 are honoured')
    assert.equal(judge(429, '600', 2), 600 * SECOND)
  })

  it('reads Retry-After as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('120', now), 120_000)
    assert.equal(parseRetryAfter(' 0 ', now), 0)
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 12:01:00 GMT', now), 60_000)
    assert.equal(parseRetryAfter('Sunday, 01-Mar-26 12:01:00 GMT', now), 60_000)
    assert.equal(parseRetryAfter('2026', now), 2026 * SECOND)
    assert.equal(parseRetryAfter('-5', now), undefined)
    assert.equal(parseRetryAfter('2026-03-01T12:01:00Z', now), undefined)
    assert.equal(parseRetryAfter(undefined, now), undefined)
  })

  it('a custom schedule sets both the delays and the number of attempts', () => {
    assert.equal(in_(judgeAttempt({ result: { status: 500 }, attempt: 1, delaysMs: [100], now, random: 0.5 })), 100)
    assert.equal(judgeAttempt({ result: { status: 500 }, attempt: 2, delaysMs: [100], now, random: 0.5 }).state, 'failed')
  })
})
