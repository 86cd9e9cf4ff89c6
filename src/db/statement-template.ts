/**
 * Hot statements built once per shape. Building and compiling a query with the query builder costs a
 * storefront read more Node time than anything but its socket writes (a customer's item list: about
 * 0.1 ms a request); for a statement whose text comes in a few shapes, that work gives the same text every
 * time, only with other values. A template is built once per shape with placeholder values; each later
 * call puts its values where the placeholders came out among the compiled statement's parameters.
 *
 * A value must go into the statement as it is given, as a parameter of its own (not concatenated, not
 * computed with): building a template checks that every placeholder came out whole, as a parameter, and
 * nowhere in the text, and refuses the shape otherwise.
 */
import { type Compilable, CompiledQuery } from 'kysely'

type Value = string | number

/** What a shape's builder is given: a placeholder for each value. */
export type Placeholders<V extends Record<string, Value>> = { readonly [K in keyof V]: V[K] }

interface Template {
  sql: string
  /** Per parameter: the name of the value it takes, or the constant the builder put there. */
  slots: ({ name: string } | { constant: unknown })[]
}

const MARK = '\u0000placeholder:'
/** Numbers no statement holds by chance: negative, far beyond any page or id. */
const FIRST_NUMBER = -7_919_000_001
const NUMBERS_FROM = -7_000_000_000

export class StatementTemplates<V extends Record<string, Value>> {
  private readonly templates = new Map<string, Template>()

  constructor(private readonly maxShapes = 256) {}

  /**
   * The statement `build` makes with `values`. `shape` must name everything that changes the text (which
   * filters are present, a condition's form), never a value: `build` runs only for a shape not seen yet,
   * and then with placeholders.
   */
  compile(shape: string, values: V, build: (placeholders: Placeholders<V>) => Compilable): CompiledQuery {
    let template = this.templates.get(shape)
    if (template === undefined) {
      template = this.make(shape, values, build)
      if (this.templates.size >= this.maxShapes) this.templates.clear()
      this.templates.set(shape, template)
    }
    const parameters = template.slots.map((slot) => ('name' in slot ? values[slot.name] : slot.constant))
    return CompiledQuery.raw(template.sql, parameters)
  }

  private make(shape: string, values: V, build: (placeholders: Placeholders<V>) => Compilable): Template {
    const names = new Map<unknown, string>()
    const placeholders: Record<string, Value> = {}
    let number = FIRST_NUMBER
    for (const [name, value] of Object.entries(values)) {
      const placeholder = typeof value === 'number' ? number-- : `${MARK}${name}`
      placeholders[name] = placeholder
      names.set(placeholder, name)
    }
    const { sql, parameters } = build(placeholders as Placeholders<V>).compile()
    const refuse = (why: string) => new Error(`statement template '${shape}': ${why}`)
    if (sql.includes(MARK)) throw refuse('a placeholder was written into the text')
    for (const [placeholder, name] of names) {
      if (typeof placeholder === 'number' && sql.includes(String(-placeholder))) throw refuse(`'${name}' was written into the text`)
    }
    const slots = parameters.map((parameter): Template['slots'][number] => {
      const name = names.get(parameter)
      if (name !== undefined) return { name }
      if (typeof parameter === 'string' && parameter.includes(MARK)) throw refuse('a placeholder was combined with other text')
      if (typeof parameter === 'number' && parameter < NUMBERS_FROM) throw refuse('a placeholder was computed with')
      return { constant: parameter }
    })
    return { sql, slots }
  }
}
