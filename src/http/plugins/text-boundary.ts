/**
 * One boundary for text PostgreSQL cannot store. Bodies are checked as they are parsed (limits/json-limits:
 * U+0000 and unpaired surrogates anywhere in the JSON); this hook checks the path and the query string,
 * where a percent-encoded NUL (`%00`) decodes into U+0000. Either is a 400 naming the parameter, before any
 * route runs, instead of a database error on whichever statement the value reaches. (Headers cannot carry
 * a NUL: the HTTP parser refuses them. Invalid UTF-8 in a URL decodes to U+FFFD, which is storable.)
 */
import type { FastifyInstance } from 'fastify'
import { errors } from '../../errors.js'

const NUL = /%00/

export function registerTextBoundary(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (!NUL.test(request.url)) return
    const [path, query = ''] = request.url.split('?', 2)
    if (NUL.test(path)) throw errors.invalidParameter('path', 'must not contain U+0000 (NUL)')
    for (const [name, value] of new URLSearchParams(query)) {
      if (name.includes('\u0000') || value.includes('\u0000')) throw errors.invalidParameter(name.replaceAll('\u0000', '?') || 'query', 'must not contain U+0000 (NUL)')
    }
  })
}
