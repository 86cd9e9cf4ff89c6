/** pg's own conversion of a parameter to the text it sends (arrays as PostgreSQL array literals). */
declare module 'pg/lib/utils.js' {
  export function prepareValue(value: unknown): string | Buffer | null
}
