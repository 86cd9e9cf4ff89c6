/**
 * A TCP proxy a test puts between the service and PostgreSQL, to break the connection on purpose:
 * `cut()` drops every connection at once and refuses new ones (nothing listens on the port any more),
 * `restore()` listens again on the same port. Bytes pass through untouched otherwise, and the proxy counts
 * the connections' round trips (round-trip-counter.ts).
 */
import { once } from 'node:events'
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net'
import { roundTripCounter } from './round-trip-counter.js'

export interface FaultProxy {
  readonly port: number
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  url(databaseUrl: string): string
  /** Connections ever accepted. */
  accepted(): number
  /** Round trips of every connection so far. */
  roundTrips(): number
  cut(): Promise<void>
  restore(): Promise<void>
  close(): Promise<void>
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const sockets = new Set<Socket>()
  let accepted = 0
  let roundTrips = 0
  let port = 0
  let server: Server

  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    // A cut connection errors on both sides; that is the point, not a failure of the test.
    socket.on('error', () => socket.destroy())
  }

  const listen = async () => {
    server = createServer((client) => {
      accepted += 1
      const upstream = connect(target.port, target.host)
      track(client)
      track(upstream)
      client.pipe(upstream)
      upstream.pipe(client)
      const counter = roundTripCounter(() => (roundTrips += 1))
      client.on('data', counter.fromClient)
      upstream.on('data', counter.fromServer)
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
    })
    server.listen(port, '127.0.0.1')
    await once(server, 'listening')
    port = (server.address() as AddressInfo).port
  }

  const cut = async () => {
    const closed = server.listening ? new Promise((resolve) => server.close(resolve)) : Promise.resolve()
    for (const socket of sockets) socket.destroy()
    await closed
  }

  await listen()
  return {
    port,
    url(databaseUrl) {
      const url = new URL(databaseUrl)
      url.hostname = '127.0.0.1'
      url.port = String(port)
      return url.toString()
    },
    accepted: () => accepted,
    roundTrips: () => roundTrips,
    cut,
    restore: listen,
    close: cut,
  }
}
