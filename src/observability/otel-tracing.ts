/**
 * The OpenTelemetry SDK, set up once per process when tracing is on (loaded by tracing.ts only then): a
 * tracer provider registered globally (its context manager carries a request's span across `await`; its
 * propagator reads and writes W3C `traceparent`), a batching OTLP/HTTP exporter and, when asked, one
 * printing to the console. The SDK itself reads the OTEL_* settings it has always read (sampler, batch
 * sizes, exporter headers and timeout, resource attributes); the endpoint and service name come from
 * the configuration.
 */
import { context, propagation, trace } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources'
import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-node'
import type { TracingSettings } from '../config.js'
import { deliverySpans } from './delivery-spans.js'
import { readTraceparentWith } from './event-traceparent.js'
import { traceRequests } from './request-spans.js'
import { traceStatements } from './statement-spans.js'
import type { Tracing } from './tracing.js'

const INSTRUMENTATION_SCOPE = 'customer-segment-service'

export function startOtelTracing(settings: TracingSettings): Tracing {
  const spanProcessors: SpanProcessor[] = []
  if (settings.otlpUrl) spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.otlpUrl })))
  if (settings.console) spanProcessors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()))
  // OTEL_RESOURCE_ATTRIBUTES first, so that the service name of the configuration wins.
  const resource = detectResources({ detectors: [envDetector] }).merge(resourceFromAttributes({ 'service.name': settings.serviceName }))
  const provider = new NodeTracerProvider({ resource, spanProcessors })
  provider.register()
  const tracer = trace.getTracer(INSTRUMENTATION_SCOPE)
  readTraceparentWith(() => {
    if (!trace.getSpan(context.active())) return undefined
    const carrier: Record<string, string> = {}
    propagation.inject(context.active(), carrier)
    return carrier.traceparent
  })

  return {
    traceRequests: (app) => traceRequests(app, tracer),
    traceStatements: (dialect, engine) => traceStatements(dialect, tracer, engine),
    delivery: deliverySpans(tracer),
    shutdown() {
      readTraceparentWith(undefined)
      return provider.shutdown()
    },
  }
}
