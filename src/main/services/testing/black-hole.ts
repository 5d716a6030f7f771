import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import type { EnvironmentInput } from '../../../shared/console/domains/environments'

/** A backend that accepts TCP connections and reads requests but never answers. */
export interface BlackHole {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** Connections accepted so far. */
  connections(): number
  /** Bytes of requests received so far (0: nobody asked anything). */
  bytesReceived(): number
  /**
   * Connections that carried a request and are still open: the client still waits for an answer
   * (an idle connection a client keeps for later is not counted).
   */
  waitingRequests(): number
  close(): Promise<void>
  /** A saved environment `Hung` (id `hung`) on this backend, without auth, to add to a store. */
  environment(): EnvironmentInput
}

/**
 * Starts a black-hole backend on 127.0.0.1 at a free port: the shape of a hung backend (a process
 * stopped in a debugger, a firewall that swallows packets after the handshake).
 */
export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>()
  const asked = new Set<Socket>()
  let connections = 0
  let bytes = 0
  const server = createServer((socket) => {
    connections++
    sockets.add(socket)
    socket.on('data', (chunk) => {
      bytes += chunk.length
      asked.add(socket)
    })
    socket.on('close', () => {
      sockets.delete(socket)
      asked.delete(socket)
    })
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    connections: () => connections,
    bytesReceived: () => bytes,
    waitingRequests: () => asked.size,
    environment: () => ({
      name: 'Hung',
      baseUrl: url,
      authKind: 'none',
      color: 'blue',
      isProduction: false,
      readOnly: false
    }),
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
