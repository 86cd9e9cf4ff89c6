/**
 * The OpenAPI 3.1 document, generated from the route schemas, with the event payload schemas in its
 * `webhooks` section; served at /openapi.json, with an API reference UI at /docs.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { eventPayloadSchemas } from '../../events/catalogue.js'

const DESCRIPTION = `Segments, their customer and item assignments, and the webhook events of every change.

**Getting a token.** Every operation but the health checks needs a bearer token for the tenant in its
path, holding a scope the operation names. On the machine running the service,
\`npm run segments -- token --tenant acme\` prints one signed with the service's secret (\`--scopes\`,
\`--customer\` for a storefront customer's token). Press **Authorize**, paste the token, and every
**Try it out** here sends it.

**Errors** have one format: \`{"code", "status", "message", "details"}\`; the webhook operations answer
\`details\` as a list of strings, as their contract does. A request that arrives too slowly (408), a URL or
headers too large (414, 431) are answered by the server before any operation, in the same format.`

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
        description: DESCRIPTION,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
      webhooks: webhooks(),
    } as Record<string, unknown>,
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    theme: {
      title: 'Customer Segment Service — API reference',
      // The top bar is the UI's own branding and a box for loading other documents; neither belongs here.
      css: [{ filename: 'theme.css', content: '.swagger-ui .topbar { display: none }' }],
    },
    uiConfig: { persistAuthorization: true, tryItOutEnabled: true, displayOperationId: true },
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}
