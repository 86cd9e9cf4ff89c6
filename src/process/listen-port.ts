/**
 * The HTTP port at start-up: checked before anything slow happens (opening the database), so a port in
 * use is reported at once, and every listen failure explained with the setting to change.
 */
import { createServer } from 'node:net'
import { StartupError } from './startup-error.js'

/**
 * The StartupError for a failed listen on `host:port`, or undefined when the error is not a listen failure;
 * `setting` names the port's setting.
 */
export function explainListenFailure(error: unknown, host: string, port: number, setting = 'PORT'): StartupError | undefined {
  const code = (error as { code?: unknown })?.code
  switch (code) {
    case 'EADDRINUSE':
      return new StartupError(`Port ${port} on ${host} is already in use by another process. Stop that process, or set ${setting} to a free port.`)
    case 'EACCES':
      return new StartupError(`This user may not listen on port ${port} on ${host}. Set ${setting} to a port above 1023, or run with the permission to bind it.`)
    case 'EADDRNOTAVAIL':
      return new StartupError(`${host} is not an address of this machine. Set HOST to one of its addresses, or to 0.0.0.0 for all of them.`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`The HOST "${host}" cannot be resolved. Set HOST to an address of this machine, e.g. 127.0.0.1 or 0.0.0.0.`)
  }
  return undefined
}

/** Throws an explained StartupError when `host:port` cannot be listened on now. Port 0 (any) always can. */
export async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return
  const server = createServer()
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host, port, exclusive: true }, resolve)
    })
  } catch (error) {
    throw explainListenFailure(error, host, port) ?? error
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
}
