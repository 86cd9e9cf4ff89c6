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

describe('Jayway filters', () => {
  const segment = {
    id: 'gold-2026',
    tenant: 'acme',
    status: 'ACTIVE',
    siteCode: 'main',
    name: { en: 'Golden Customers', de: 'Goldkunden' },
    metadata: { version: 3, createdAt: '2026-01-01T00:00:00.000Z' },
    mixins: { loyalty: { tier: 2, tags: ['vip', 'b2b'], points: [10, 20, 60] } },
  }
  const other = { ...segment, id: 'silver', status: 'INACTIVE', siteCode: 'uk', name: { en: 'Silver' }, mixins: { loyalty: { tier: 1, tags: ['basic'], points: [] } } }

  it('accepts the operators the platform evaluates, each matching one payload and not the other', () => {
    const cases: [string, string][] = [
      ["$[?(@.id =~ /GOLD.*/i)]", 'regex with a flag'],
      ["$[?(@.status in ['ACTIVE','DRAFT'])]", 'in'],
      ["$[?(@.siteCode nin ['uk', 'fr'])]", 'nin'],
      ["$[?(@.mixins.loyalty.tags anyof ['vip', 'gold'])]", 'anyof'],
      ["$[?(@.mixins.loyalty.tags subsetof ['vip', 'b2b', 'b2c'])]", 'subsetof'],
      ["$[?(@.mixins.loyalty.tags size 2)]", 'size'],
      ["$[?(@.mixins.loyalty.points empty false)]", 'empty'],
      ["$[?(@.mixins.loyalty.tags contains 'vip')]", 'contains'],
      ["$[?(@.mixins.loyalty.tags all ['b2b'])]", 'all'],
      ["$[?(@.name.en =~ /golden.*/i && @.metadata.version >= 2)]", 'conditions joined'],
      ["$[?(@.status === 'ACTIVE' || @.id in ['gold'])]", 'type-safe equality'],
      ["$.[?(@.status == 'ACTIVE')]", '$.[?()] form'],
      ["[?(@.status == 'ACTIVE')]", 'no $'],
      ["$[?(@.mixins.loyalty.tags.length() > 1)]", 'length()'],
      ["$[?(@.mixins.loyalty.points.max() >= 60 && @.mixins.loyalty.points.avg() == 30)]", 'max() and avg()'],
      ["$[?(@.mixins.loyalty.points.sum() == 90 && @.mixins.loyalty.points.first() == 10)]", 'sum() and first()'],
      ["$[?(@.mixins.loyalty.tier in [2, 3])]", 'in with numbers'],
      ["$[?(@.name == {'en': 'Golden Customers', de: 'Goldkunden'})]", 'an object literal'],
      ["$.mixins.loyalty[?(@.tier > 1)]", 'a filter after names tests the object itself'],
      ["$.mixins.loyalty.tags[?(@ == 'vip')]", 'and each element of an array'],
      ["$..[?(@.tier == 2)]", 'after .. every node below'],
      ["$[?(@.id == $.id && $.mixins.loyalty.tier == 2)]", '$ in a condition is the payload'],
      ["$[?(@.mixins.loyalty.* anyof [2])]", 'a wildcard is the list of the values'],
      ["$[?(!@.legalEntity && !(@.status == 'INACTIVE'))]", 'negations'],
    ]
    for (const [filter, what] of cases) {
      assert.deepEqual(matches(filter, segment), { matched: true }, `${what}: ${filter} matches`)
      assert.deepEqual(matches(filter, other), { matched: false }, `${what}: ${filter} does not match the other payload`)
    }
  })

  it('matches =~ against the whole text, as Java does, with its flags', () => {
    assert.equal(matches('$[?(@.id =~ /gold/)]', { id: 'gold-1' }).matched, false, 'a whole match, not a search')
    assert.equal(matches('$[?(@.id =~ /gold.*/)]', { id: 'Gold-1' }).matched, false, 'case matters without i')
    assert.equal(matches('$[?(@.s =~ /a.b/)]', { s: 'a\u2028b' }).matched, false, '. excludes line terminators')
    assert.equal(matches('$[?(@.s =~ /a.b/s)]', { s: 'a\nb' }).matched, true, 'unless s')
    assert.equal(matches('$[?(@.s =~ /^b$/m)]', { s: 'a\nb' }).matched, false, 'm does not make a whole match partial')
    assert.equal(matches('$[?(@.n =~ /\\d+/)]', { n: 42 }).matched, true, 'a number is matched as its text')
    assert.equal(matches('$[?(@.tags =~ /v.p/)]', { tags: ['b2b', 'vip'] }).matched, true, 'a list matches when an item does')
    assert.equal(matches('$[?(/gold.*/ =~ @.id)]', { id: 'gold-1' }).matched, true, 'the pattern may come first')
    assert.equal(matches('$[?(@.missing =~ /.*/)]', {}).matched, true, 'a missing value is matched as the empty text, as in Jayway')
  })

  it('runs a hostile Jayway pattern in linear time', () => {
    for (const filter of ['$[?(@.id =~ /(a+)+$/)]', '$[?(@.id =~ /(a|aa)+b/i)]', "$[?(@.id =~ /(a+)+$/ || @.status in ['x'])]"]) {
      const id = `${'a'.repeat(100_000)}!`
      let result: unknown
      const ms = timed(() => {
        result = matches(filter, { id })
      })
      assert.deepEqual(result, { matched: false })
      assert.ok(ms < 1_000, `${filter} took ${ms} ms`)
    }
  })

  it('keeps the limits: shape, pattern length and budget hold for translated filters', () => {
    refused(`$[?(@.id =~ /${'a'.repeat(FILTER_LIMITS.patternLength + 1)}/)]`, /at most 500 characters/)
    refused(`$[?(${Array.from({ length: 21 }, (_, i) => `@.a${i} in ['x']`).join(' && ')})]`, /at most 20 functions/)
    compileFilter(`$[?(${Array.from({ length: 20 }, (_, i) => `@.a${i} in ['x', 'y']`).join(' && ')})]`)
    refused(`$[?(@.a in [${"'x',".repeat(FILTER_LIMITS.length / 4)}'y'])]`, /at most 2000 characters/)
    refused('$[?(@..id =~ /x/)]', /descendant segment \(\.\.\) is not allowed inside a filter/)
    const payload = { items: Array.from({ length: 1_000 }, (_, i) => ({ v: i })) }
    assert.equal(filterMatches('$[?(@.items[*].v anyof [999])]', payload).matched, true)
    const stopped = filterMatches('$[?(@.items[*].v anyof [999])]', payload, 500)
    assert.equal(stopped.matched, false)
    assert.match(stopped.error ?? '', /ran out of its budget/)
  })

  it('refuses what it cannot translate, naming the construct', () => {
    refused('$[?(@.id exists true)]', /'exists' is not supported: write @\.a/)
    refused('$[?(@.id type string)]', /'type' is not supported/)
    refused('$[?(@.tags.keys() size 2)]', /'keys\(\)' is not supported; the functions supported are length\(\)/)
    refused('$[?(@.tags.constructor() size 2)]', /'constructor\(\)' is not supported/)
    refused("$[?(@.tags constructor 'x')]", /unknown operator 'constructor'/)
    refused('$[?(@.id =~ /a b/x)]', /flag 'x' is not supported/)
    refused('$[?(@.id =~ /(?<=a)b/)]', /not a regular expression this service can run/)
    refused("$[?(@.items[?(@.sku == 'a')] size 1)]", /a filter inside a path of a condition/)
    refused("$.items[*][?(@.sku == 'a')]", /a filter stands at the root/)
    refused("$[?(@.tags size 'two')]", /'size' takes a number/)
    refused('$[?(@.tags empty 1)]', /'empty' takes true or false/)
    refused("$[?(@.tags[*] && @.id in ['x'])]", /testing whether '@\.tags\[\*\]' exists is not supported/)
    refused("$[?(@.id == /x/)]", /matched only with =~/)
    refused("$[?(@.a in ['x')]", /expected ',' or '\]' in the list/)
    refused('$[?(@.status ==', /unclosed bracketed selection/)
  })

  it('keeps RFC 9535 filters as they are, and reads paths from $ that start with a name from the payload', () => {
    assert.deepEqual(matches("$[0][?@ == 'ACTIVE']", segment), { matched: true }, 'RFC 9535: $[0] is the payload')
    assert.deepEqual(matches("$[?@.status == 'ACTIVE']", segment), { matched: true })
    assert.deepEqual(matches('$.mixins.loyalty.tier', segment), { matched: true }, 'Jayway: $.a is a field of the payload')
    assert.deepEqual(matches('$.mixins.loyalty.level', segment), { matched: false })
    assert.deepEqual(matches('$[?(@.metadata.version == $.metadata.version)]', segment), { matched: true })
  })
})
