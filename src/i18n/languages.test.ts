import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ApiError } from '../errors.js'
import {
  MAX_ACCEPTED_LANGUAGES,
  localeOf,
  localize,
  parseAcceptLanguage,
  pickLanguageKey,
  sortLanguages,
  toLanguageMap,
} from './languages.js'

describe('parseAcceptLanguage', () => {
  test('whole maps for no header, `*`, or nothing usable', () => {
    for (const header of [undefined, '', '  ', '*', '*;q=0.5', 'en;q=0', ';;;,,q=,', 'not a tag']) {
      assert.equal(parseAcceptLanguage(header), undefined, String(header))
    }
  })

  test('ranks by q-value, then by order; ignores malformed entries and `*`', () => {
    assert.deepEqual(parseAcceptLanguage('en-US,en;q=0.9'), ['en-US', 'en'])
    assert.deepEqual(parseAcceptLanguage('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5'), ['fr-CH', 'fr', 'en', 'de'])
    assert.deepEqual(parseAcceptLanguage('en;q=0.2, de;q=0.9, it'), ['it', 'de', 'en'])
    assert.deepEqual(parseAcceptLanguage('en;q=abc, de, x_y'), ['de'])
  })

  test('keeps the most preferred languages only', () => {
    const header = Array.from({ length: 100 }, (_, i) => `l${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))};q=0.${String(i).padStart(2, '0')}`).join(',')
    const parsed = parseAcceptLanguage(`${header},zz`) as string[]
    assert.equal(parsed.length, MAX_ACCEPTED_LANGUAGES)
    assert.equal(parsed[0], 'zz')
  })
})

describe('pickLanguageKey', () => {
  const map = { en: 'Gold', de: 'Gold DE', 'fr-CH': 'Or CH', 'pt-BR': 'Ouro', 'pt-PT': 'Ouro PT' }

  test('the exact tag, in any case', () => {
    assert.equal(pickLanguageKey(map, ['de']), 'de')
    assert.equal(pickLanguageKey(map, ['FR-ch']), 'fr-CH')
  })

  test('a region falls back to its language, a language to any of its regions (the first in sort order)', () => {
    assert.equal(pickLanguageKey(map, ['de-CH']), 'de')
    assert.equal(pickLanguageKey(map, ['fr']), 'fr-CH')
    assert.equal(pickLanguageKey(map, ['fr-FR']), 'fr-CH')
    assert.equal(pickLanguageKey(map, ['pt']), 'pt-BR')
    assert.equal(pickLanguageKey(map, ['pt-PT']), 'pt-PT')
  })

  test('preferences in order: a later exact tag loses to an earlier language', () => {
    assert.equal(pickLanguageKey(map, ['fr-BE', 'en']), 'fr-CH')
    assert.equal(pickLanguageKey(map, ['it', 'de']), 'de')
  })

  test('none of them: the first key in sort order; an empty map has none', () => {
    assert.equal(pickLanguageKey({ fr: 'Or', de: 'Gold' }, ['it']), 'de')
    assert.equal(pickLanguageKey({}, ['en']), undefined)
  })
})

describe('localize', () => {
  const name = { de: 'Goldkunden', en: 'Gold customers', fr: 'Clients or' }

  test('whole maps without specific languages', () => {
    assert.equal(localize(name, localeOf(undefined, 'en')), name)
    assert.equal(localize(name, localeOf('*', 'en')), name)
  })

  test('one entry, keyed by the stored tag that was chosen', () => {
    assert.deepEqual(localize(name, localeOf('de-CH', 'en')), { de: 'Goldkunden' })
    assert.deepEqual(localize(name, localeOf('en-US,en;q=0.9', 'de')), { en: 'Gold customers' })
  })

  test('an unknown language falls back to the default language, then to the first key', () => {
    assert.deepEqual(localize(name, localeOf('it', 'en')), { en: 'Gold customers' })
    assert.deepEqual(localize(name, localeOf('it', 'fr')), { fr: 'Clients or' })
    assert.deepEqual(localize({ fr: 'Or', es: 'Oro' }, localeOf('it', 'en')), { es: 'Oro' })
    assert.deepEqual(localize({}, localeOf('it', 'en')), {})
  })

  test('sorting ranks by the requested languages, then the default one', () => {
    assert.deepEqual(sortLanguages(localeOf('de-CH, fr;q=0.5', 'en')), ['de-CH', 'fr', 'en'])
    assert.deepEqual(sortLanguages(localeOf(undefined, 'en')), ['en'])
  })
})

describe('toLanguageMap', () => {
  const stored = { en: 'Gold', fr: 'Or' }

  test('a plain string needs a language, and becomes its entry', () => {
    assert.deepEqual(toLanguageMap('Gold DE', 'de', 'name', stored), { en: 'Gold', fr: 'Or', de: 'Gold DE' })
    assert.throws(() => toLanguageMap('Gold', undefined, 'name', stored), (error: unknown) => error instanceof ApiError && error.statusCode === 400)
  })

  test('a map replaces the stored one, or adds to it under a specific language', () => {
    assert.deepEqual(toLanguageMap({ de: 'Gold DE' }, undefined, 'name', stored), { de: 'Gold DE' })
    assert.deepEqual(toLanguageMap({ de: 'Gold DE' }, 'de', 'name', stored), { en: 'Gold', fr: 'Or', de: 'Gold DE' })
    assert.deepEqual(toLanguageMap({ en: 'Golden' }, 'en', 'name', stored), { en: 'Golden', fr: 'Or' })
    assert.deepEqual(toLanguageMap({ en: 'Golden' }, 'en', 'name'), { en: 'Golden' })
  })
})
