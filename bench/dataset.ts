/** The benchmark's data set: segment ids and sites are a pure function of the index. */
export function segmentId(index: number): string {
  return `seg-${String(index).padStart(5, '0')}`
}

export function siteOf(index: number, siteCount: number): string {
  return `site-${index % siteCount}`
}
