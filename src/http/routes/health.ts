/**
 * Liveness (`/health`: the process answers) and readiness (`/ready`: the database answers). During a
 * database outage `/ready` answers 503 at once; the outage itself is logged once, by the availability
 * tracker, not on every probe of a load balancer.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { Database } from '../../db/database.js'
import { errors } from '../../errors.js'
import { errorResponses } from './common.js'

const Status = Type.Object({ status: Type.String() })
const tags = ['Operations']

export function healthRoutes(app: FastifyInstance, database: Database): void {
  app.get(
    '/health',
    { schema: { tags, operationId: 'GET-health', summary: 'Liveness: the process answers', security: [], response: { 200: Status } }, logLevel: 'warn' },
    async () => ({ status: 'ok' }),
  )
  const readiness = { tags, operationId: 'GET-ready', summary: 'Readiness: the database answers (503 while it does not)', security: [], response: { 200: Status, ...errorResponses() } }
  app.get('/ready', { schema: readiness, config: { readsDatabase: true }, logLevel: 'warn' }, async () => {
    if (!database.availability.reachable) throw errors.databaseUnavailable()
    // A failed ping goes to the error handler, which reports it and answers 503.
    await database.ping()
    return { status: 'ready' }
  })
}
