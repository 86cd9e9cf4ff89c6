/**
 * The four kinds of directory entry, each described once: its URL/CLI name, its table, its schema,
 * and how an entry maps to a row and back. The store, the routes and the importer work from this table.
 */
import type { Selectable } from 'kysely'
import type { TObject } from 'typebox'
import type { DB } from '../db/schema.js'
import {
  DirectoryCategory,
  DirectoryCustomer,
  DirectoryLegalEntity,
  DirectoryProduct,
} from './directory-schemas.js'

type DirectoryTable = 'directory_customer' | 'directory_legal_entity' | 'directory_product' | 'directory_category'

export interface DirectoryKind<Entry extends { id: string }, T extends DirectoryTable = DirectoryTable> {
  /** Used in URLs (`/directory/{name}`) and by `segments import {name}`. */
  name: string
  table: T
  schema: TObject
  /** Column values (without tenant and modified_at). */
  toRow(entry: Entry): Record<string, unknown>
  fromRow(row: Selectable<DB[T]>): Entry
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value))
const date = (value: string | undefined) => (value === undefined ? null : new Date(value))

/** Copies the defined values only, so optional keys stay absent rather than null. */
function defined<T extends Record<string, unknown>>(entry: T): T {
  return Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== null && v !== undefined)) as T
}

export const customers: DirectoryKind<DirectoryCustomer, 'directory_customer'> = {
  name: 'customers',
  table: 'directory_customer',
  schema: DirectoryCustomer,
  toRow: (e) => ({
    id: e.id,
    email: e.email ?? null,
    first_name: e.firstName ?? null,
    last_name: e.lastName ?? null,
    tags: e.tags ?? null,
    attributes: json(e.attributes),
    legal_entity_ids: e.legalEntityIds ?? null,
  }),
  fromRow: (r) =>
    defined({
      id: r.id,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
      tags: r.tags,
      attributes: r.attributes,
      legalEntityIds: r.legal_entity_ids,
    }) as DirectoryCustomer,
}

export const legalEntities: DirectoryKind<DirectoryLegalEntity, 'directory_legal_entity'> = {
  name: 'legal-entities',
  table: 'directory_legal_entity',
  schema: DirectoryLegalEntity,
  toRow: (e) => ({ id: e.id, name: e.name ?? null, attributes: json(e.attributes) }),
  fromRow: (r) => defined({ id: r.id, name: r.name, attributes: r.attributes }) as DirectoryLegalEntity,
}

export const products: DirectoryKind<DirectoryProduct, 'directory_product'> = {
  name: 'products',
  table: 'directory_product',
  schema: DirectoryProduct,
  toRow: (e) => ({ id: e.id, code: e.code ?? null, name: json(e.name), category_ids: e.categoryIds ?? [] }),
  fromRow: (r) => defined({ id: r.id, code: r.code, name: r.name, categoryIds: r.category_ids }) as DirectoryProduct,
}

export const categories: DirectoryKind<DirectoryCategory, 'directory_category'> = {
  name: 'categories',
  table: 'directory_category',
  schema: DirectoryCategory,
  toRow: (e) => ({
    id: e.id,
    parent_id: e.parentId ?? null,
    code: e.code ?? null,
    name: json(e.name),
    description: json(e.description),
    slug: json(e.slug),
    ecn: e.ecn ?? null,
    validity_from: date(e.validity?.from),
    validity_to: date(e.validity?.to),
    position: e.position ?? null,
    published: e.published ?? null,
  }),
  fromRow: (r) => {
    const validity = defined({ from: r.validity_from?.toISOString(), to: r.validity_to?.toISOString() })
    return defined({
      id: r.id,
      parentId: r.parent_id,
      code: r.code,
      name: r.name,
      description: r.description,
      slug: r.slug,
      ecn: r.ecn,
      validity: Object.keys(validity).length > 0 ? validity : undefined,
      position: r.position,
      published: r.published,
    }) as DirectoryCategory
  },
}

// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of kinds
export const directoryKinds: DirectoryKind<any>[] = [customers, legalEntities, products, categories]

export function findKind(name: string) {
  return directoryKinds.find((kind) => kind.name === name)
}
