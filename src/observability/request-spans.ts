/**
 * A server span per HTTP request, named `METHOD /route/:pattern` (the route's pattern, never the URL:
 * paths hold customer and segment ids) and continuing the caller's trace when it sends `traceparent`.
 * The span's context is made active when the request arrives and again before the handlers run (a body
 * is read from socket events, which do not carry the context along), so the statements a request makes
 * are its children. URL paths and query strings are not recorded, for the same reason as the name.
 */
import { context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { UNMATCHED_ROUTE } from './http-metrics.js'

/** The name of requests no route matched (404s of unknown paths, mostly). */

export function traceRequests(app: FastifyInstance, tracer: Tracer): void {
  const spans = new WeakMap<FastifyRequest, Span>()

  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url
    const parent = propagation.extract(ROOT_CONTEXT, request.headers)
    const span = tracer.startSpan(
      `${request.method} ${route ?? UNMATCHED_ROUTE}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          ...(route ? { 'http.route': route } : {}),
          'url.scheme': request.protocol,
          'network.protocol.version': request.raw.httpVersion,
        },
      },
      parent,
    )
    spans.set(request, span)
    context.with(trace.setSpan(parent, span), done)
  })

  app.addHook('preHandler', (request, _reply, done) => {
    const span = spans.get(request)
    if (!span) return done()
    context.with(trace.setSpan(context.active(), span), done)
  })

  const end = (request: FastifyRequest, status: number | undefined) => {
    const span = spans.get(request)
    if (!span) return
    spans.delete(request)
    if (status === undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client went away' })
    else {
      span.setAttribute('http.response.status_code', status)
      // A 4xx is the client's mistake, not the server's (OpenTelemetry's rule for server spans).
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
    }
    span.end()
  }
  app.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode)
    done()
  })
  app.addHook('onRequestAbort', (request, done) => {
    end(request, undefined)
    done()
  })
}
