/**
 * `segments listen`: run the local receiver until SIGINT/SIGTERM, printing each request to stdout (lines
 * or NDJSON); the listening address and the closing summary go to stderr, so stdout stays parseable.
 */
import closeWithGrace from 'close-with-grace'
import { startReceiver } from './receiver.js'
import { formatJson, formatLine } from './report.js'

export interface ListenOptions {
  port: number
  host: string
  secret?: string
  status: number
  json: boolean
}

export async function listen({ port, host, secret, status, json }: ListenOptions): Promise<void> {
  let received = 0
  const receiver = await startReceiver({
    port,
    host,
    secret,
    status,
    onRequest(request) {
      received += 1
      console.log(json ? formatJson(request) : formatLine(request))
    },
  })
  const checking = secret === undefined ? 'not checking signatures (no --secret)' : 'checking signatures'
  console.error(`Listening on ${receiver.url}, ${checking}; Ctrl-C to stop.`)
  closeWithGrace({ delay: 5_000 }, async () => {
    await receiver.close()
    console.error(`Stopped after ${received} request${received === 1 ? '' : 's'}.`)
  })
}
