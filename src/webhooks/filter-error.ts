/** A filter that cannot be stored or evaluated; the message says why, for a 400 or the delivery log. */
export class FilterError extends Error {
  override name = 'FilterError'
}
