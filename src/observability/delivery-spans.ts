/**
 * Spans of the delivery engine: one per dispatch batch that took events, and one HTTP client span per
 * delivery attempt, whose context goes to the receiver as the W3C `traceparent` header. An attempt starts
 * a trace of its own (it runs seconds to hours after the request that caused it, in another process
 * perhaps); when the event was written by a traced request, the attempt's span links to that request's
 * span, so a tracing UI leads from the change to each of its deliveries. The URL is recorded without
 * credentials or query string (receivers put tokens there).
 */
import { context, type Link, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api'
import type { DeliveryTracing } from './tracing.js'

/** The span context a `traceparent` names, for a link; undefined when it is not a valid one. */
function linkTo(traceparent: string | undefined): Link[] {
  if (!traceparent) return []
  const span = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent }))
  return span && trace.isSpanContextValid(span) ? [{ context: span, attributes: { 'segments.link': 'event written by' } }] : []
}

function safeUrl(url: string): { full: string; host: string; port: number } | undefined {
  try {
    const parsed = new URL(url)
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80
    return { full: `${parsed.origin}${parsed.pathname}`, host: parsed.hostname, port }
  } catch {
    return undefined
  }
}

export function deliverySpans(tracer: Tracer): DeliveryTracing {
  return {
    dispatched(startedAt, summary) {
      const span = tracer.startSpan('dispatch events', {
        root: true,
        startTime: startedAt,
        attributes: {
          'segments.dispatch.events': summary.events,
          'segments.dispatch.deliveries_pending': summary.pending,
          'segments.dispatch.deliveries_refused': summary.refused,
          'segments.dispatch.events_deferred': summary.deferred,
        },
      })
      span.end()
    },

    async attempt(target, headers, send) {
      const url = safeUrl(target.url)
      const span = tracer.startSpan(
        'POST',
        {
          kind: SpanKind.CLIENT,
          root: true,
          links: linkTo(target.eventTraceparent),
          attributes: {
            'http.request.method': 'POST',
            ...(url ? { 'url.full': url.full, 'server.address': url.host, 'server.port': url.port } : {}),
            // Resends count from the first attempt, as OpenTelemetry's HTTP conventions do.
            'http.request.resend_count': target.attempt - 1,
            'segments.delivery.attempt': target.attempt,
            'segments.delivery.target': `${target.tenant}/${target.configCode}/${target.targetId}`,
            'segments.tenant': target.tenant,
            'segments.webhook.config': target.configCode,
            'segments.event.id': target.eventId,
            'segments.event.type': target.eventType,
          },
        },
        ROOT_CONTEXT,
      )
      const active = trace.setSpan(ROOT_CONTEXT, span)
      propagation.inject(active, headers)
      try {
        const sent = await context.with(active, send)
        if (sent.status !== undefined) span.setAttribute('http.response.status_code', sent.status)
        if (sent.blocked) span.setAttribute('error.type', 'blocked_address')
        else if (sent.timedOut) span.setAttribute('error.type', 'timeout')
        else if (sent.status === undefined) span.setAttribute('error.type', 'connection_error')
        else if (sent.status >= 300) span.setAttribute('error.type', String(sent.status))
        if (sent.error || (sent.status !== undefined && sent.status >= 300)) span.setStatus({ code: SpanStatusCode.ERROR, message: sent.error ?? `HTTP ${sent.status}` })
        return sent
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message })
        throw error
      } finally {
        span.end()
      }
    },
  }
}
