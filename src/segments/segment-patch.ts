/**
 * JSON Patch (RFC 6902) on a segment: guards the read-only paths, applies the operations atomically to a
 * copy (fast-json-patch), turns plain localized strings into map entries, and re-validates the result
 * against the same schema a PUT body must satisfy.
 */
import jsonpatch from 'fast-json-patch'
import { errors } from '../errors.js'
import { checkJsonLimits } from '../json-limits.js'
import { schemaChecker } from '../schema-check.js'
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

/** Returns the patched segment as a PUT-shaped body (throws 400/409 ApiErrors). */
export function applySegmentPatch(stored: Segment, operations: PatchBody, language: string | undefined): SegmentUpdate {
  guard(operations, stored)
  let patched: Record<string, unknown>
  try {
    const ops = localize(operations, stored, language) as jsonpatch.Operation[]
    patched = jsonpatch.applyPatch(structuredClone(stored), ops, true, false).newDocument as unknown as Record<string, unknown>
  } catch (error) {
    if (error instanceof jsonpatch.JsonPatchError) {
      const op = error.index !== undefined ? operations[error.index] : undefined
      throw errors.invalidPatch(`operation ${error.index ?? '?'} (${op?.op} ${op?.path}): ${error.message.split('\n')[0]}`, op?.path)
    }
    throw error
  }
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
