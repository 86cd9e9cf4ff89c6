/**
 * QueryError: the one error type of the query module (q, sort, paging) and of rules built on q.
 * It always means "the client sent a bad query parameter" (or a rule's `query`), so the HTTP layer can
 * map it to 400 and name the parameter; it never wraps a database failure.
 */

/** Which request parameter the error is about. */
export type QueryParameter = 'q' | 'sort' | 'pageNumber' | 'pageSize' | 'query'

export class QueryError extends Error {
  override readonly name = 'QueryError'
  /** The parameter whose value is wrong. */
  readonly parameter: QueryParameter
  /** 0-based character offset into that parameter's value where the problem starts. */
  readonly position: number

  constructor(message: string, position = 0, parameter: QueryParameter = 'q') {
    super(message)
    this.position = position
    this.parameter = parameter
  }
}
