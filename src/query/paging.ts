/**
 * Offset paging (conventions §1.2): `pageNumber` counts from 1 (default 1), `pageSize` defaults to 60.
 * The contract types both as strings; numbers are accepted too, for callers whose schema coerces them.
 * An empty value (`?pageSize=`) means the default.
 */
import { QueryError } from './query-error.js'

export const DEFAULT_PAGE_SIZE = 60
export const MAX_PAGE_SIZE = 1_000
/** Keeps the offset an exact JavaScript integer; no real listing gets near it. */
export const MAX_PAGE_NUMBER = 1_000_000_000

export interface PagingParams {
  readonly pageNumber?: string | number
  readonly pageSize?: string | number
}

export interface Paging {
  readonly pageNumber: number
  readonly pageSize: number
  /** For `.limit(limit).offset(offset)`. */
  readonly limit: number
  readonly offset: number
}

/** The 400 for a page whose `rows` would take `bytes`, more than `pageBytes`: it names a pageSize that fits. */
export function pageBytesError(bytes: number, rows: number, pageBytes: number): QueryError {
  const fitting = Math.max(1, Math.floor(pageBytes / Math.max(1, bytes / rows)))
  return new QueryError(
    `this page would take ${bytes.toLocaleString('en-US')} bytes, more than the ${pageBytes.toLocaleString('en-US')} a page may; ask for at most about ${fitting} per page`,
    0,
    'pageSize',
  )
}

export function parsePaging(params: PagingParams): Paging {
  const pageNumber = parseBounded('pageNumber', params.pageNumber, 1, 1, MAX_PAGE_NUMBER)
  const pageSize = parseBounded('pageSize', params.pageSize, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
  return { pageNumber, pageSize, limit: pageSize, offset: (pageNumber - 1) * pageSize }
}

function parseBounded(
  name: 'pageNumber' | 'pageSize',
  raw: string | number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return fallback
  // Digits only: Number() would also take ' 5', '1e2', '0x10' and '5.0'.
  const value = typeof raw === 'number' ? raw : isDigits(raw) ? Number(raw) : Number.NaN
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new QueryError(`${name} must be an integer between ${min} and ${max}`, 0, name)
  }
  return value
}

function isDigits(text: string): boolean {
  for (const ch of text) if (ch < '0' || ch > '9') return false
  return text.length > 0
}
