/**
 * Counts the round trips of one PostgreSQL connection from the messages that pass a proxy. A round trip
 * begins when the client sends while it waits for no answer: every Sync and simple Query it sent has had
 * its ReadyForQuery. Statements a client sends together (a BEGIN and the statement behind it) are one,
 * however the bytes happen to be split on the way. Assumes no TLS (a proxy on loopback).
 */
export interface RoundTripCounter {
  fromClient(chunk: Buffer): void
  fromServer(chunk: Buffer): void
}

/** Whole messages of a stream as they complete: `typed` false for the first (the startup message has no type byte). */
function messages(onMessage: (type: number) => void, typed = true) {
  let buffered: Buffer = Buffer.alloc(0)
  let startup = !typed
  return (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk])
    for (;;) {
      const header = startup ? 4 : 5
      if (buffered.length < header) return
      const length = buffered.readInt32BE(startup ? 0 : 1) + (startup ? 0 : 1)
      if (buffered.length < length) return
      onMessage(startup ? 0 : buffered[0])
      startup = false
      buffered = buffered.subarray(length)
    }
  }
}

const SYNC = 'S'.charCodeAt(0)
const QUERY = 'Q'.charCodeAt(0)
const READY_FOR_QUERY = 'Z'.charCodeAt(0)

export function roundTripCounter(onRoundTrip: () => void): RoundTripCounter {
  /** Answers (ReadyForQuery) the client waits for; the startup message waits for one too. */
  let awaited = 0
  let open = false
  return {
    fromClient: messages((type) => {
      if (!open) {
        onRoundTrip()
        open = true
      }
      if (type === 0 || type === SYNC || type === QUERY) awaited += 1
    }, false),
    fromServer: messages((type) => {
      if (type !== READY_FOR_QUERY) return
      awaited -= 1
      if (awaited === 0) open = false
    }),
  }
}
