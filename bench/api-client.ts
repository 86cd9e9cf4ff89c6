/** Calling the service from a benchmark over real HTTP, with an operator token, and checking what it answers. */

export interface Api {
  base: string
  operator: string
}

export async function call(
  api: Api,
  method: string,
  path: string,
  body?: unknown,
  token = api.operator,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${api.base}${path}`, {
    method,
    headers: { ...headers, authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, json: text ? JSON.parse(text) : undefined }
}

export async function expectStatus(
  api: Api,
  method: string,
  path: string,
  body: unknown,
  okCodes: number[],
  headers?: Record<string, string>,
): Promise<unknown> {
  const { status, json } = await call(api, method, path, body, api.operator, headers)
  if (!okCodes.includes(status)) throw new Error(`${method} ${path} answered ${status}: ${JSON.stringify(json).slice(0, 300)}`)
  return json
}

/** A bulk request: 207, and each item answered one of `okCodes`. */
export async function expectBulk(
  api: Api,
  method: string,
  path: string,
  body: unknown[],
  okCodes: number[],
  headers?: Record<string, string>,
): Promise<void> {
  const json = await expectStatus(api, method, path, body, [207], headers)
  const failed = (json as { code: number }[]).filter((r) => !okCodes.includes(r.code))
  if (failed.length > 0) throw new Error(`${method} ${path}: ${failed.length} items failed, e.g. ${JSON.stringify(failed[0])}`)
}
