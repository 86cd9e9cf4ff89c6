/**
 * Liveness (`/health`: the process answers) and readiness (`/ready`: the database answers). During a
 * database outage `/ready` answers 503 at once; the outage itself is logged once, by the availability
 * tracker, not on every probe of a load balancer.
 *
 * With a read replica, readiness is the primary's alone and the body says whether the replica answers
 * (`replica`): every process reads the same replica, so taking them all out of rotation for it would stop
 * writes and operators' reads too while gaining nothing; storefront reads answer 503 until it is back.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { Database } from '../../db/database.js'
import { errors } from '../../errors.js'
import { errorResponses } from './common.js'

const Status = Type.Object({ status: Type.String() })
const Readiness = Type.Object({
  status: Type.String(),
  replica: Type.Optional(Type.Union([Type.Literal('reachable'), Type.Literal('unreachable')], { description: 'With DATABASE_READ_URL: whether the read replica answers' })),
})
const tags = ['Operations']
/** Longest `/ready` waits for the replica; probes of load balancers often give up after a second. */
const REPLICA_PING_MS = 1_000

/** Whether the replica answers a trivial query within REPLICA_PING_MS; a failure is reported to its availability. */
async function replicaAnswers(replica: Database): Promise<boolean> {
  if (!replica.availability.reachable) return false
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), REPLICA_PING_MS)
  })
  const ping = replica.ping().then(
    () => true,
    (error: unknown) => {
      replica.availability.report(error)
      return false
    },
  )
  return Promise.race([ping, late]).finally(() => clearTimeout(timer))
}

export function healthRoutes(app: FastifyInstance, database: Database, replica?: Database): void {
  app.get(
    '/health',
    { schema: { tags, operationId: 'GET-health', summary: 'Liveness: the process answers', security: [], response: { 200: Status } }, logLevel: 'warn' },
    async () => ({ status: 'ok' }),
  )
  const readiness = { tags, operationId: 'GET-ready', summary: 'Readiness: the database answers (503 while it does not)', security: [], response: { 200: Readiness, ...errorResponses() } }
  app.get('/ready', { schema: readiness, config: { readsDatabase: true }, logLevel: 'warn' }, async () => {
    if (!database.availability.reachable) throw errors.databaseUnavailable()
    const replicaState = replica && replicaAnswers(replica)
    // A failed ping goes to the error handler, which reports it and answers 503.
    await database.ping()
    if (!replicaState) return { status: 'ready' }
    return { status: 'ready', replica: (await replicaState) ? 'reachable' : 'unreachable' }
  })
}
