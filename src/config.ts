/**
 * Configuration: read from the environment once, validated against one schema, frozen, and passed down.
 * Nothing else in the code base reads `process.env`.
 */
import { envSchema } from 'env-schema'
import { Type, type Static } from 'typebox'
import { StartupError } from './process/startup-error.js'

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const MiB = 1_048_576

/** HTTP timeouts when no setting changes them. */
export const DEFAULT_HTTP: HttpSettings = Object.freeze({ requestTimeoutMs: 30_000, keepAliveTimeoutMs: 10_000 })

/** Destinations are not probed unless the settings say so (apps built in tests, embedders). */
export const DEFAULT_DESTINATION_PROBE: DestinationProbeSettings = Object.freeze({ enabled: false, timeoutMs: 3_000 })

/** The limits when no setting changes them (tests build apps with these). */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  bodyBytes: MiB,
  documentBytes: 64 * 1_024,
  patchOperations: 100,
  pageBytes: 8 * MiB,
})

const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  DATABASE_READ_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_READ_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  DATABASE_START_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 60_000 }),
  DATABASE_ACQUIRE_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 5_000 }),
  DATABASE_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 30_000 }),
  DATABASE_RANDOM_PAGE_COST: Type.Number({ minimum: 0.1, maximum: 1_000, default: 1.1 }),
  LOG_LEVEL: Type.Unsafe<string>({ type: 'string', enum: logLevels, default: 'info' }),
  AUTH_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  AUTH_JWKS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  AUTH_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  AUTH_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  AUTH_PRIVATE_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  OAUTH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86_400, default: 14_400 }),
  DIRECTORY_STRICT: Type.Boolean({ default: false }),
  DELIVERY_WORKER: Type.Boolean({ default: true }),
  DELIVERY_ALLOW_PRIVATE: Type.Boolean({ default: false }),
  DELIVERY_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1000, default: 64 }),
  DELIVERY_TARGET_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1000, default: 8 }),
  WEBHOOK_MONTHLY_LIMIT: Type.Optional(Type.Integer({ minimum: 0 })),
  WEBHOOK_SECRET_GRACE_HOURS: Type.Number({ minimum: 0, maximum: 8_760, default: 24 }),
  RETENTION_DAYS: Type.Integer({ minimum: 0, maximum: 36_500, default: 30 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1_024, maximum: 100 * MiB, default: DEFAULT_LIMITS.bodyBytes }),
  DOCUMENT_LIMIT_BYTES: Type.Integer({ minimum: 1_024, maximum: 16 * MiB, default: DEFAULT_LIMITS.documentBytes }),
  PATCH_OPERATIONS_LIMIT: Type.Integer({ minimum: 1, maximum: 1_000, default: DEFAULT_LIMITS.patchOperations }),
  PAGE_LIMIT_BYTES: Type.Integer({ minimum: 64 * 1_024, maximum: 1_024 * MiB, default: DEFAULT_LIMITS.pageBytes }),
  HTTP_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1_000, maximum: 3_600_000, default: DEFAULT_HTTP.requestTimeoutMs }),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: DEFAULT_HTTP.keepAliveTimeoutMs }),
  TENANT_RATE_LIMIT: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  CORS_ORIGINS: Type.Optional(Type.String({ maxLength: 10_000 })),
  EMBEDDED_SHARED_BUFFERS_MB: Type.Integer({ minimum: 1, maximum: 4_096, default: 32 }),
  DESTINATION_PROBE: Type.Boolean({ default: true }),
  DESTINATION_PROBE_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: DEFAULT_DESTINATION_PROBE.timeoutMs }),
  RULES_CHUNK_SIZE: Type.Optional(Type.Integer({ minimum: 10, maximum: 100_000 })),
  RULES_RELATIVE_INTERVAL_MINUTES: Type.Number({ minimum: 1, maximum: 525_600, default: 60 }),
  DEFAULT_LANGUAGE: Type.String({ pattern: '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$', default: 'en' }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, maxLength: 1_024, pattern: '^[\\x21-\\x7e]+$' })),
  METRICS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  // OpenTelemetry's standard names: tracing is on only when they ask for it (parseTracing).
  OTEL_SDK_DISABLED: Type.Boolean({ default: false }),
  OTEL_TRACES_EXPORTER: Type.Optional(Type.String({ maxLength: 200 })),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  OTEL_EXPORTER_OTLP_PROTOCOL: Type.Optional(Type.String({ maxLength: 100 })),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: Type.Optional(Type.String({ maxLength: 100 })),
  OTEL_SERVICE_NAME: Type.String({ minLength: 1, maxLength: 255, default: 'customer-segment-service' }),
})
type Env = Static<typeof EnvSchema>

/**
 * How tokens are signed and verified. The service signs with one key of its own: an asymmetric private
 * key (`privateKeyFile`), else an HS256 secret (`secret`, or the embedded data dir's when neither is set).
 * With `jwksUrl` alone it only verifies, against that identity provider's keys; with `jwksUrl` and
 * `privateKeyFile` it verifies both the provider's tokens and its own.
 */
export interface Auth {
  readonly secret?: string
  readonly privateKeyFile?: string
  readonly jwksUrl?: string
  readonly issuer?: string
  readonly audience?: string
  /** Lifetime of the tokens /oauth/token issues. */
  readonly tokenTtlSeconds: number
}

export interface Config {
  readonly port: number
  readonly host: string
  readonly dataDir: string
  /** PostgreSQL server URL; absent means the embedded engine in `dataDir`. */
  readonly databaseUrl?: string
  readonly databasePoolSize: number
  /**
   * A streaming replica of `databaseUrl` that storefront reads go to (read-replica.ts says which); absent
   * means they read the primary like everything else.
   */
  readonly databaseReadUrl?: string
  readonly databaseReadPoolSize: number
  /** How long start-up waits for a PostgreSQL server that does not accept connections yet. */
  readonly databaseStartTimeoutMs: number
  /** Longest wait for a pooled connection (opening one included) before a request fails with 503. */
  readonly databaseAcquireTimeoutMs: number
  /** Longest a statement may run on PostgreSQL before it is cancelled. */
  readonly databaseStatementTimeoutMs: number
  /** The planner's `random_page_cost` on the service's PostgreSQL sessions and in the embedded engine. */
  readonly databaseRandomPageCost: number
  /** The embedded engine's PostgreSQL buffer cache, held in the process's memory for its whole life. */
  readonly embeddedSharedBuffersMb: number
  readonly logLevel: string
  readonly auth: Auth
  /** Refuse assignments of customers, legal entities and items the directory does not know. */
  readonly directoryStrict: boolean
  /** The language a localized field is read in when none of the reader's languages is there. */
  readonly defaultLanguage: string
  readonly delivery: DeliveryConfig
  /** Successful deliveries a tenant may receive per calendar month (UTC); absent means no limit. */
  readonly webhooksMonthlyLimit?: number
  readonly limits: Limits
  readonly http: HttpSettings
  readonly destinationProbe: DestinationProbeSettings
  readonly rules: RuleSettings
  readonly metrics: MetricsSettings
  readonly tracing: TracingSettings
}

/**
 * OpenTelemetry tracing, from the standard OTEL_* settings. Off unless an exporter or an OTLP endpoint is
 * named; when off, no OpenTelemetry module is loaded.
 */
export interface TracingSettings {
  readonly enabled: boolean
  readonly serviceName: string
  /** Where OTLP/HTTP (JSON) spans are posted, `…/v1/traces`; absent when only the console exporter is asked for. */
  readonly otlpUrl?: string
  /** Spans printed to standard output as well (OTEL_TRACES_EXPORTER=console), for a look without a collector. */
  readonly console: boolean
}

/** Prometheus metrics at `/metrics`. */
export interface MetricsSettings {
  /** When set, a scrape must send `Authorization: Bearer <token>`; absent means open. */
  readonly token?: string
  /** A listener of its own for `/metrics` (on HOST): how a `segments worker` process is scraped. */
  readonly port?: number
}

/** Full evaluations of segment rules, run beside the delivery engine. */
export interface RuleSettings {
  /** Directory customers per chunk (one transaction): 5,000 on PostgreSQL, 1,000 embedded unless set. */
  readonly chunkSize: number
  /** Rules that compare with `now` are evaluated again this often. */
  readonly relativeIntervalMs: number
}

/** Checking that something answers at a webhook destination when a config names it. */
export interface DestinationProbeSettings {
  readonly enabled: boolean
  /** The deadline of one destination's check (HEAD, then OPTIONS). */
  readonly timeoutMs: number
}

export interface HttpSettings {
  /** Longest a request may take to arrive, headers and body (408 after). */
  readonly requestTimeoutMs: number
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number
  /** Requests one tenant may make per second to one process (429 beyond); absent means no limit. */
  readonly tenantRateLimit?: number
  /** Origins whose pages may call the API from a browser (`*`: any); absent means none. */
  readonly corsOrigins?: readonly string[]
}

/** What one request may ask of the service. */
export interface Limits {
  /** Bytes of a request body. */
  readonly bodyBytes: number
  /** Bytes of a stored segment or assignment, mixins included, as JSON. */
  readonly documentBytes: number
  /** Operations in one JSON Patch. */
  readonly patchOperations: number
  /** Bytes of the documents on one page of a list or of the event log. */
  readonly pageBytes: number
}


export interface DeliveryConfig {
  /** `segments serve` runs a delivery worker in its own process. */
  readonly inProcess: boolean
  /** Deliver to loopback, private, link-local and metadata addresses (refused by default). */
  readonly allowPrivate: boolean
  /** Deliveries one worker sends at once, over all targets. */
  readonly concurrency: number
  /** Deliveries one worker sends at once to a single target. */
  readonly targetConcurrency: number
  /** After a secret changes, deliveries are also signed with the previous one for this long. */
  readonly secretGraceMs: number
  /** Delivered deliveries, their attempts and unreferenced events older than this are deleted; 0 keeps all. */
  readonly retentionMs: number
}

export class ConfigError extends StartupError {
  override name = 'ConfigError'
}

/**
 * CORS_ORIGINS: `*`, or origins separated by commas or spaces, each a scheme, a host and an optional port
 * exactly as a browser sends it in `Origin` (`https://shop.example.com`, `http://localhost:3000`).
 */
function parseOrigins(value: string | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined
  const origins = value.split(/[\s,]+/).filter(Boolean)
  if (origins.length === 1 && origins[0] === '*') return Object.freeze(origins)
  for (const origin of origins) {
    let parsed: URL | undefined
    try {
      parsed = new URL(origin)
    } catch {}
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      const hint = parsed && /^https?:$/.test(parsed.protocol) ? ` (did you mean '${parsed.origin}'?)` : ''
      throw new ConfigError(`Invalid configuration: CORS_ORIGINS has '${origin}', which is not an origin such as https://shop.example.com${hint}`)
    }
  }
  return origins.length === 0 ? undefined : Object.freeze(origins)
}

const OTLP_DEFAULT_URL = 'http://localhost:4318/v1/traces'
const EXPORTERS = new Set(['otlp', 'console', 'none'])

/**
 * Tracing is asked for by OTEL_TRACES_EXPORTER (otlp, console; `none` is off) or by an OTLP endpoint, and
 * OTEL_SDK_DISABLED=true turns it off whatever else is set, as in every OpenTelemetry SDK. Spans go as
 * OTLP over HTTP with JSON bodies, which every collector and Jaeger accept; gRPC and protobuf are refused
 * by name rather than silently sent as something else.
 */
function parseTracing(parsed: Env): TracingSettings {
  const off = { enabled: false, serviceName: parsed.OTEL_SERVICE_NAME, console: false }
  const named = parsed.OTEL_TRACES_EXPORTER?.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean)
  for (const exporter of named ?? []) {
    if (!EXPORTERS.has(exporter)) throw new ConfigError(`Invalid configuration: OTEL_TRACES_EXPORTER has '${exporter}'; use otlp, console or none`)
  }
  const endpoint = parsed.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? parsed.OTEL_EXPORTER_OTLP_ENDPOINT
  const exporters = named && named.length > 0 ? named.filter((e) => e !== 'none') : endpoint ? ['otlp'] : []
  if (parsed.OTEL_SDK_DISABLED || exporters.length === 0) return Object.freeze(off)
  const otlp = exporters.includes('otlp')
  const protocol = parsed.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? parsed.OTEL_EXPORTER_OTLP_PROTOCOL
  if (otlp && protocol !== undefined && protocol !== 'http/json') {
    const name = parsed.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL'
    throw new ConfigError(`Invalid configuration: ${name} is '${protocol}'; this service sends OTLP as http/json (set it so, or leave it unset)`)
  }
  // The signal-specific endpoint is used as it is; the general one is a base the path is added to (the OTLP spec).
  const otlpUrl = !otlp
    ? undefined
    : parsed.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (parsed.OTEL_EXPORTER_OTLP_ENDPOINT ? `${parsed.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : OTLP_DEFAULT_URL)
  return Object.freeze({ enabled: true, serviceName: parsed.OTEL_SERVICE_NAME, otlpUrl, console: exporters.includes('console') })
}

/** Reads and validates configuration; throws a ConfigError naming the offending variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, so `FOO= segments serve` behaves like not setting FOO.
  const data = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  let parsed: Env
  try {
    // env: false — env-schema would otherwise merge process.env in unfiltered, so an explicit `env`
    // would not be the whole configuration and `FOO=` would be checked as an empty FOO.
    parsed = envSchema<Env>({ schema: EnvSchema, data, dotenv: false, env: false })
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${(error as Error).message}`)
  }
  if (parsed.AUTH_SECRET && parsed.AUTH_JWKS_URL) {
    throw new ConfigError('Invalid configuration: set either AUTH_SECRET or AUTH_JWKS_URL, not both')
  }
  if (parsed.AUTH_SECRET && parsed.AUTH_PRIVATE_KEY_FILE) {
    throw new ConfigError('Invalid configuration: set either AUTH_SECRET or AUTH_PRIVATE_KEY_FILE, not both: the service signs with one key')
  }
  if (parsed.DATABASE_URL && !parsed.AUTH_SECRET && !parsed.AUTH_JWKS_URL && !parsed.AUTH_PRIVATE_KEY_FILE) {
    // Several processes share one PostgreSQL, so a secret generated in one local data dir would not do.
    throw new ConfigError('Invalid configuration: DATABASE_URL requires AUTH_SECRET, AUTH_PRIVATE_KEY_FILE or AUTH_JWKS_URL')
  }
  if (parsed.DATABASE_READ_URL && !parsed.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration: DATABASE_READ_URL needs DATABASE_URL: the embedded engine (no DATABASE_URL) has no read replica. Set DATABASE_URL to the primary PostgreSQL, or unset DATABASE_READ_URL',
    )
  }
  const auth: Auth = {
    secret: parsed.AUTH_SECRET,
    privateKeyFile: parsed.AUTH_PRIVATE_KEY_FILE,
    jwksUrl: parsed.AUTH_JWKS_URL,
    issuer: parsed.AUTH_ISSUER,
    audience: parsed.AUTH_AUDIENCE,
    tokenTtlSeconds: parsed.OAUTH_TOKEN_TTL_SECONDS,
  }
  return Object.freeze({
    port: parsed.PORT,
    host: parsed.HOST,
    dataDir: parsed.DATA_DIR,
    databaseUrl: parsed.DATABASE_URL,
    databasePoolSize: parsed.DATABASE_POOL_SIZE,
    databaseReadUrl: parsed.DATABASE_READ_URL,
    databaseReadPoolSize: parsed.DATABASE_READ_POOL_SIZE,
    databaseStartTimeoutMs: parsed.DATABASE_START_TIMEOUT_MS,
    databaseAcquireTimeoutMs: parsed.DATABASE_ACQUIRE_TIMEOUT_MS,
    databaseStatementTimeoutMs: parsed.DATABASE_STATEMENT_TIMEOUT_MS,
    databaseRandomPageCost: parsed.DATABASE_RANDOM_PAGE_COST,
    embeddedSharedBuffersMb: parsed.EMBEDDED_SHARED_BUFFERS_MB,
    logLevel: parsed.LOG_LEVEL,
    auth: Object.freeze(auth),
    directoryStrict: parsed.DIRECTORY_STRICT,
    defaultLanguage: parsed.DEFAULT_LANGUAGE,
    delivery: Object.freeze({
      inProcess: parsed.DELIVERY_WORKER,
      allowPrivate: parsed.DELIVERY_ALLOW_PRIVATE,
      concurrency: parsed.DELIVERY_CONCURRENCY,
      targetConcurrency: parsed.DELIVERY_TARGET_CONCURRENCY,
      secretGraceMs: Math.round(parsed.WEBHOOK_SECRET_GRACE_HOURS * 3_600_000),
      retentionMs: parsed.RETENTION_DAYS * 86_400_000,
    }),
    webhooksMonthlyLimit: parsed.WEBHOOK_MONTHLY_LIMIT,
    limits: Object.freeze({
      bodyBytes: parsed.BODY_LIMIT_BYTES,
      documentBytes: parsed.DOCUMENT_LIMIT_BYTES,
      patchOperations: parsed.PATCH_OPERATIONS_LIMIT,
      pageBytes: parsed.PAGE_LIMIT_BYTES,
    }),
    http: Object.freeze({
      requestTimeoutMs: parsed.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: parsed.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      tenantRateLimit: parsed.TENANT_RATE_LIMIT,
      corsOrigins: parseOrigins(parsed.CORS_ORIGINS),
    }),
    destinationProbe: Object.freeze({ enabled: parsed.DESTINATION_PROBE, timeoutMs: parsed.DESTINATION_PROBE_TIMEOUT_MS }),
    rules: Object.freeze({
      // The embedded engine has one connection: a shorter chunk keeps API requests from waiting long.
      chunkSize: parsed.RULES_CHUNK_SIZE ?? (parsed.DATABASE_URL ? 5_000 : 1_000),
      relativeIntervalMs: Math.round(parsed.RULES_RELATIVE_INTERVAL_MINUTES * 60_000),
    }),
    metrics: Object.freeze({ token: parsed.METRICS_TOKEN, port: parsed.METRICS_PORT }),
    tracing: parseTracing(parsed),
  })
}
