/** Times as a `datetime-local` input shows and takes them: local time, to the minute. */
export function toLocalInput(date: Date): string {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}

/** An RFC 3339 time from an input's value; undefined when it is empty. */
export function fromLocalInput(value: string): string | undefined {
  return value === '' ? undefined : new Date(value).toISOString()
}

/** The input's value for a day ago, where "since" fields start. */
export const aDayAgo = () => toLocalInput(new Date(Date.now() - 86_400_000))
