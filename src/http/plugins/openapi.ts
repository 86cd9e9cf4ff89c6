/**
 * The OpenAPI 3.1 document, generated from the route schemas, with the event payload schemas in its
 * `webhooks` section; served at /openapi.json, with an API reference UI at /docs.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { eventPayloadSchemas } from '../../events/catalogue.js'
import { GRANTABLE_SCOPES } from '../../clients/client-schemas.js'
import { REQUEST_EXAMPLES } from '../request-examples.js'

const DESCRIPTION = `Segments, their customer and item assignments, and the webhook events of every change.

**Getting a token.** Every operation but the health checks needs a bearer token for the tenant in its
path, holding a scope the operation names. Press **Authorize** and either give an API client's id and
secret (\`apiClient\`: the token comes from \`POST /oauth/token\`, as on the platform), or paste a token
(\`bearer\`). On the machine running the service, \`npm run segments -- clients create --tenant acme
--scopes "…"\` makes an API client, and \`npm run segments -- token --tenant acme\` prints a token signed with
the service's key (\`--customer\` for a storefront customer's). Every **Try it out** then sends it.

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

interface OpenApiDocument {
  paths?: unknown
  components?: { schemas?: Record<string, unknown> }
}

/** A schema's `title` that names a component: one word in PascalCase (event payloads' titles are prose). */
const COMPONENT_NAME = /^[A-Z][A-Za-z0-9]*$/

/**
 * Moves every schema titled with a component name into `components.schemas` and refers to it there, so
 * that clients generated from the document get one named type per shape (a Segment, an Error) instead of
 * one anonymous type per operation. A titled schema that differs from another of the same title (one
 * given a description of its own where it is used) stays where it is.
 */
function hoistNamedSchemas<T extends OpenApiDocument>(document: T): T {
  const named = new Map<string, string>()
  const components: Record<string, unknown> = {}
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit)
    if (node === null || typeof node !== 'object') return node
    const copy = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, visit(value)]))
    const title = copy.title
    if (typeof title !== 'string' || !COMPONENT_NAME.test(title)) return copy
    const text = JSON.stringify(copy)
    const existing = named.get(title)
    if (existing !== undefined && existing !== text) return copy
    named.set(title, text)
    components[title] = copy
    return { $ref: `#/components/schemas/${title}` }
  }
  const paths = visit(document.paths)
  return { ...document, paths, components: { ...document.components, schemas: { ...document.components?.schemas, ...components } } }
}

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  // Each operation's request example goes on its body schema, where the document generator finds it.
  app.addHook('onRoute', (route) => {
    const example = REQUEST_EXAMPLES[String(route.schema?.operationId)]
    if (route.schema?.body && example !== undefined) route.schema.body = { ...(route.schema.body as object), examples: [example] }
  })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Customer Segment Service',
        version: '0.1.0',
        description: DESCRIPTION,
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiClient: {
            type: 'oauth2',
            description: 'An API client of the tenant: its id and secret, exchanged at /oauth/token.',
            flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: Object.fromEntries(GRANTABLE_SCOPES.map((scope) => [scope, scope])) } },
          },
        },
      },
      security: [{ bearer: [] }, { apiClient: [] }],
      webhooks: webhooks(),
    } as Record<string, unknown>,
    transformObject: (documents) => hoistNamedSchemas((documents as { openapiObject: OpenApiDocument }).openapiObject) as never,
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
