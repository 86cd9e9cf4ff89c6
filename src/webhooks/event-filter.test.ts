import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compileFilter, FILTER_LIMITS, FilterError, filterMatches } from './event-filter.js'

/** The outcome without the work done. */
function matches(filter: string, payload: unknown): { matched: boolean; error?: string } {
  const { cost: _cost, ...outcome } = filterMatches(filter, payload)
  return outcome
}

function refused(filter: string, reason: RegExp): void {
  assert.throws(() => compileFilter(filter), (error: unknown) => error instanceof FilterError && reason.test(error.message), filter)
}

/** Milliseconds `run` takes. */
function timed(run: () => void): number {
  const started = performance.now()
  run()
  return performance.now() - started
}

describe('webhook filters', () => {
  it('select the payload by RFC 9535 comparisons, logic and functions', () => {
    const payload = { id: 'gold', status: 'ACTIVE', name: { en: 'Golden Customers' }, metadata: { version: 3 }, tags: ['a', 'b'] }
    assert.deepEqual(matches("$[?(@.status == 'ACTIVE')]", payload), { matched: true })
    assert.deepEqual(matches("$[?@.status == 'INACTIVE']", payload), { matched: false })
    assert.deepEqual(matches("$[?@.metadata.version > 2 && @.id == 'gold']", payload), { matched: true })
    assert.deepEqual(matches('$[?length(@.tags) == 2]', payload), { matched: true })
    assert.deepEqual(matches("$[?match(@.name.en, 'Golden.*')]", payload), { matched: true })
    assert.deepEqual(matches("$[?match(@.name.en, 'Golden')]", payload), { matched: false }, 'match() is anchored at both ends')
    assert.deepEqual(matches("$[?search(@.name.en, 'Cust')]", payload), { matched: true })
    assert.deepEqual(matches("$[?search(@.name.en, '(?i)golden')]", payload), { matched: true }, 'inline flags')
    assert.deepEqual(matches(' ', payload), { matched: true }, 'a blank filter matches everything')
    assert.deepEqual(matches("$..[?@ == 'b']", payload), { matched: true })
  })

  it('reads . in a pattern as I-Regexp does: any character but a line break', () => {
    assert.deepEqual(matches("$[?match(@.s, 'a.b')]", { s: 'a-b' }), { matched: true })
    assert.deepEqual(matches("$[?match(@.s, 'a.b')]", { s: 'a\nb' }), { matched: false })
    assert.deepEqual(matches("$[?match(@.s, 'a[.]b')]", { s: 'a-b' }), { matched: false }, 'a dot in a class is a dot')
    assert.deepEqual(matches("$[?match(@.s, 'a\\\\.b')]", { s: 'a.b' }), { matched: true }, 'an escaped dot is a dot')
  })

  it('runs catastrophic patterns in linear time', () => {
    const filter = "$[?match(@.id, '(a+)+')]"
    for (const length of [30, 10_000, 100_000]) {
      const id = `${'a'.repeat(length)}!`
      let result: unknown
      const ms = timed(() => {
        result = matches(filter, { id })
      })
      assert.deepEqual(result, { matched: false })
      assert.ok(ms < 1_000, `${length + 1} characters took ${ms} ms`)
    }
    // The pattern may come from the payload too; it runs on the same engine, within the same length limit.
    const dynamic = '$[?match(@.id, @.pattern)]'
    const ms = timed(() => assert.deepEqual(matches(dynamic, { id: `${'a'.repeat(50_000)}!`, pattern: '(a|aa)+$' }), { matched: false }))
    assert.ok(ms < 1_000, `a pattern from the payload took ${ms} ms`)
    const long = matches(dynamic, { id: 'x', pattern: 'x'.repeat(FILTER_LIMITS.patternLength + 1) })
    assert.equal(long.matched, false)
    assert.match(long.error ?? '', /at most 500 characters/)
  })

  it('bounds the work of the biggest query shape allowed on a large payload', () => {
    // 20,000 nodes, three levels deep: the heaviest allowed shape visits each a few times.
    const payload = { mixins: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`m${i}`, Array.from({ length: 100 }, (_, j) => ({ v: `${i}-${j}` }))])) }
    const filter = "$..[?@.*[?@.*[?search(@, '9-9')]]]"
    compileFilter(filter)
    const ms = timed(() => matches(filter, payload))
    assert.ok(ms < 2_000, `took ${ms} ms`)
  })

  it('stops an evaluation that reads more than its budget, and reports the work done', () => {
    const payload = { items: Array.from({ length: 1_000 }, (_, i) => ({ v: i })) }
    const cheap = filterMatches('$[?@.items[0].v == 0]', payload)
    assert.equal(cheap.matched, true)
    assert.ok(cheap.cost > 0 && cheap.cost < 10, `${cheap.cost}`)
    const full = filterMatches('$..[?@.v == 999]', payload)
    assert.equal(full.matched, true)
    assert.ok(full.cost > 1_000, `${full.cost}`)
    const stopped = filterMatches('$..[?@.v == 999]', payload, 500)
    assert.equal(stopped.matched, false)
    assert.match(stopped.error ?? '', /ran out of its budget \(500 values read from the event\)/)
    assert.ok(stopped.cost > 500 && stopped.cost < 600, `stopped at once: ${stopped.cost}`)
  })

  it('refuses shapes whose cost would grow faster than the payload, naming the rule', () => {
    refused('$..[?@..x]', /descendant segment \(\.\.\) is not allowed inside a filter/)
    refused('$..a..b', /at most one descendant segment/)
    refused('$[?@[?@[?@[?@.x]]]]', /nested at most 3 deep/)
    refused('$..[?$.a == 1]', /root query \(\$\) inside a filter under a descendant segment/)
    refused(`$[?${Array.from({ length: 21 }, () => 'length(@.a) == 1').join(' && ')}]`, /at most 20 functions/)
    refused(`$[?@.a == '${'x'.repeat(FILTER_LIMITS.length)}']`, /at most 2000 characters/)
    compileFilter('$[?$.a == 1]')
    compileFilter('$[?@[?@[?@.x]]]')
  })

  it('refuses regular expressions it cannot run or that are too long, when they are written', () => {
    refused("$[?match(@.a, '(?<=x)a')]", /not a regular expression this service can run/)
    refused("$[?match(@.a, '(')]", /not a regular expression this service can run/)
    refused("$[?search(@.a, '(a{1,1000}){1,1000}')]", /not a regular expression this service can run/)
    refused(`$[?search(@.a, '${'a'.repeat(FILTER_LIMITS.patternLength + 1)}')]`, /at most 500 characters/)
    refused('$[?(@.status ==', /.+/)
  })

  it('counts a stored filter that breaks the rules as not matching, with the reason', () => {
    const result = matches('$..a..b', { a: { b: 1 } })
    assert.equal(result.matched, false)
    assert.match(result.error ?? '', /at most one descendant segment/)
  })
})
