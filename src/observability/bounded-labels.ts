/**
 * Label values taken from an open set (webhook config codes, which tenants choose) kept to a bounded
 * number per process: the first values seen keep their own series, later ones share `_other`. Every
 * distinct label value is a time series Prometheus stores for ever; a tenant creating configs must not be
 * able to grow that without bound.
 */

/** The label value of everything past the bound. */
export const OTHER_LABEL = '_other'

/** Distinct config codes that get series of their own, per process. */
export const CONFIG_LABEL_LIMIT = 50

export interface BoundedLabels {
  /** `value`, or OTHER_LABEL once `limit` other values have been seen. */
  of(value: string): string
}

export function boundedLabels(limit: number): BoundedLabels {
  const seen = new Set<string>()
  return {
    of(value) {
      if (seen.has(value)) return value
      if (seen.size >= limit) return OTHER_LABEL
      seen.add(value)
      return value
    },
  }
}
