/**
 * The OpenAPI 3.1 document, generated from the route schemas, with the event payload schemas in its
 * `webhooks` section; served at /openapi.json, with an API reference UI at /docs.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { eventPayloadSchemas } from '../../events/catalogue.js'

function webhooks() {
  return Object.fromEntries(
    Object.entries(eventPayloadSchemas).map(([type, schema]) => {
      const { $id: _id, ...payload } = schema as unknown as Record<string, unknown>
      return [
        type,
        {
          post: {
            summary: String(payload.title),
            description: `Delivered as the bare payload, signed in \`emporix-event-signature\` and Standard Webhooks headers, with CloudEvents \`ce-type: ${type}\`.`,
            requestBody: { required: true, content: { 'application/json': { schema: payload } } },
            responses: { '200': { description: 'Any 2xx acknowledges the event.' } },
          },
        },
      ]
    }),
  )
}

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Customer Segment Service',
        version: '0.1.0',
        description: 'Segments, their customer and item assignments, and the webhook events of every change.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
      webhooks: webhooks(),
    } as Record<string, unknown>,
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}
