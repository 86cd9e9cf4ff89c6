/** The process logger: JSON lines (pino) at LOG_LEVEL, with credentials redacted. */
import { type Logger, pino } from 'pino'
import type { Config } from '../config.js'

export function createLogger(config: Config): Logger {
  return pino({
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.secretKey'], censor: '[redacted]' },
  })
}
