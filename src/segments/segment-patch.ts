/**
 * JSON Patch (RFC 6902) on a segment: guards the read-only paths, applies the operations atomically to a
 * copy (fast-json-patch), turns plain localized strings into map entries, and re-validates the result
 * against the same schema a PUT body must satisfy. The number of operations is limited, and the document
 * may not outgrow the stored-document limit after any operation: `copy` can double a document, so a
 * short patch could otherwise build a huge one before anything is checked.
 */
import jsonpatch from 'fast-json-patch'
import type { Limits } from '../config.js'
import { errors } from '../errors.js'
import { jsonBytes } from '../limits/document-size.js'
import { checkJsonLimits } from '../limits/json-limits.js'
import { schemaChecker } from '../validation/schema-check.js'
import { type PatchBody, type Segment, type SegmentUpdate, SegmentUpdate as SegmentUpdateSchema } from './segment-schemas.js'

const READ_ONLY = ['/id', '/metadata/createdAt', '/metadata/modifiedAt', '/metadata/version']
const LOCALIZED = new Set(['/name', '/description'])
const checkUpdate = schemaChecker<SegmentUpdate>(SegmentUpdateSchema)

/** True when writing at `path` would touch a read-only value (the path is one, or contains one). */
function touchesReadOnly(path: string): boolean {
  return READ_ONLY.some((ro) => ro === path || ro.startsWith(`${path}/`) || path.startsWith(`${ro}/`))
}

/** fast-json-patch refuses these with a TypeError; they are the client's mistake, so a 400. */
function touchesPrototype(path: string | undefined): boolean {
  return path !== undefined && path.split('/').some((key, i, keys) => key === '__proto__' || (key === 'prototype' && keys[i - 1] === 'constructor'))
}

function guard(operations: PatchBody, stored: Segment): void {
  for (const op of operations) {
    if (touchesPrototype(op.path) || touchesPrototype(op.from)) throw errors.invalidPatch(`the path '${op.path}' is not allowed`, op.path)
    if (op.op === 'test') {
      if (op.path === '/metadata/version' && op.value !== stored.metadata.version) throw errors.versionConflict(stored.id)
      continue
    }
    if (touchesReadOnly(op.path)) throw errors.readOnlyPath(op.path || '/')
    if (op.op === 'move' && op.from !== undefined && touchesReadOnly(op.from)) throw errors.readOnlyPath(op.from)
    // RFC 6902 §4.4: a value cannot move into itself (fast-json-patch would fail with a TypeError).
    if (op.op === 'move' && op.from !== undefined && op.path.startsWith(`${op.from}/`)) {
      throw errors.invalidPatch(`cannot move '${op.from}' into its own child '${op.path}'`, op.path)
    }
  }
}

/** With a specific Content-Language, `replace /name "Text"` sets that language's entry of the map. */
function localize(operations: PatchBody, stored: Segment, language: string | undefined): PatchBody {
  if (!language) return operations
  return operations.map((op) => {
    if ((op.op !== 'add' && op.op !== 'replace') || !LOCALIZED.has(op.path) || typeof op.value !== 'string') return op
    const existing = op.path === '/name' ? stored.name : stored.description
    return { ...op, value: { ...(existing ?? {}), [language]: op.value } }
  })
}

/** Applies the operations one by one to a copy of `document`, checking its size after each. */
function applyBounded(document: Segment, operations: jsonpatch.Operation[], documentBytes: number): Record<string, unknown> {
  let patched = structuredClone(document) as unknown as Record<string, unknown>
  operations.forEach((operation, index) => {
    try {
      patched = jsonpatch.applyOperation(patched, operation, true, true, true, index).newDocument
    } catch (error) {
      if (error instanceof jsonpatch.JsonPatchError) {
        throw errors.invalidPatch(`operation ${index} (${operation.op} ${operation.path}): ${error.message.split('\n')[0]}`, operation.path)
      }
      throw error
    }
    const bytes = jsonBytes(patched)
    if (bytes > documentBytes) throw errors.documentTooLarge(`segment after operation ${index} (${operation.op} ${operation.path})`, bytes, documentBytes)
  })
  return patched
}

/** Returns the patched segment as a PUT-shaped body (throws 400/409/413 ApiErrors). */
export function applySegmentPatch(
  stored: Segment,
  operations: PatchBody,
  language: string | undefined,
  limits: Pick<Limits, 'documentBytes' | 'patchOperations'>,
): SegmentUpdate {
  if (operations.length > limits.patchOperations) throw errors.tooManyPatchOperations(operations.length, limits.patchOperations)
  guard(operations, stored)
  const patched = applyBounded(stored, localize(operations, stored, language) as jsonpatch.Operation[], limits.documentBytes)
  checkJsonLimits(patched)
  const { id: _id, metadata, ...content } = patched as Record<string, unknown> & { metadata?: Record<string, unknown> }
  const body = { ...content, ...(metadata?.mixins !== undefined ? { metadata: { mixins: metadata.mixins } } : {}) }
  const metadataExtra = Object.keys(metadata ?? {}).filter((k) => !['mixins', 'version', 'createdAt', 'modifiedAt'].includes(k))
  if (metadataExtra.length > 0) throw errors.invalidPatch(`unknown field 'metadata.${metadataExtra[0]}'`, `/metadata/${metadataExtra[0]}`)
  const checked = checkUpdate(body)
  if (checked.problem) {
    const field = checked.problem.field ? `/${checked.problem.field.replaceAll('.', '/')}` : '/'
    throw errors.invalidPatch(`the patched segment is invalid: ${checked.problem.message}`, field)
  }
  return checked.value
}
