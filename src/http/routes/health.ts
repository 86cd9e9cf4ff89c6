/** Liveness (`/health`: the process answers) and readiness (`/ready`: the database answers). */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { Database } from '../../db/database.js'
import { errors } from '../../errors.js'

const Status = Type.Object({ status: Type.String() })

export function healthRoutes(app: FastifyInstance, database: Database): void {
  app.get('/health', { schema: { hide: true, response: { 200: Status } }, logLevel: 'warn' }, async () => ({ status: 'ok' }))
  app.get('/ready', { schema: { hide: true, response: { 200: Status } }, logLevel: 'warn' }, async (request) => {
    try {
      await database.ping()
    } catch (error) {
      request.log.warn({ err: error }, 'database not reachable')
      throw errors.unavailable('The database is not reachable.')
    }
    return { status: 'ready' }
  })
}
