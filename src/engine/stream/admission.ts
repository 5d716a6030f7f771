import type { Role } from '../../shared/neurorail'

/** Who opens a stream: the part of the request's principal that admission needs. */
export interface StreamOwner {
  token: string
  role: Role
}

/** Limits on open SSE streams. */
export interface StreamAdmissionOptions {
  /** Most simultaneous streams in all (each holds a socket and up to the hub's queue bytes). */
  maxStreams: number
  /** Most simultaneous streams of one viewer or operator token. */
  perToken: number
  /** Streams only admin tokens may take: the console's own stream always finds a slot. */
  adminReserve: number
}

/** 1,000 streams; 64 per non-admin token; the last 100 for admin tokens. */
export const DEFAULT_STREAM_ADMISSION: StreamAdmissionOptions = {
  maxStreams: 1000,
  perToken: 64,
  adminReserve: 100
}

/** Why a stream was refused: 429 for one token's share, 503 for the engine's. */
export interface StreamRefusal {
  status: 429 | 503
  message: string
  retryAfterSeconds: number
}

/**
 * Who may open another SSE stream. One shared cap let a single viewer or agent token open every
 * slot and starve the console's admin stream (503), so non-admin tokens each get a bounded share
 * and together never reach the admin reserve. Admin tokens are bounded by the total only: they
 * are the operator's own console, and a holder of one can reconfigure the engine anyway.
 */
export class StreamAdmission {
  private readonly byToken = new Map<string, number>()
  private total = 0
  private nonAdmin = 0

  constructor(private readonly options: StreamAdmissionOptions = DEFAULT_STREAM_ADMISSION) {
    const { maxStreams, perToken, adminReserve } = options
    if (!(maxStreams >= 1 && perToken >= 1 && adminReserve >= 0 && adminReserve < maxStreams)) {
      throw new RangeError(
        'stream admission needs maxStreams >= 1, perToken >= 1, 0 <= adminReserve < maxStreams'
      )
    }
  }

  /**
   * Takes a slot for `p`, or says why not. The returned `release` gives it back (idempotent):
   * call it when the stream ends, however it ends.
   */
  admit(p: StreamOwner): { ok: true; release: () => void } | ({ ok: false } & StreamRefusal) {
    const admin = p.role === 'admin'
    const mine = this.byToken.get(p.token) ?? 0
    if (this.total >= this.options.maxStreams)
      return refuse(503, 'Too many stream subscribers; retry later')
    if (!admin) {
      if (mine >= this.options.perToken) {
        return refuse(
          429,
          `This token already has ${mine} open streams (at most ${this.options.perToken}); close one first`
        )
      }
      if (this.nonAdmin >= this.options.maxStreams - this.options.adminReserve) {
        return refuse(503, 'Too many stream subscribers; retry later')
      }
    }
    this.byToken.set(p.token, mine + 1)
    this.total++
    if (!admin) this.nonAdmin++
    let released = false
    return {
      ok: true,
      release: () => {
        if (released) return
        released = true
        this.total--
        if (!admin) this.nonAdmin--
        const left = (this.byToken.get(p.token) ?? 1) - 1
        if (left > 0) this.byToken.set(p.token, left)
        else this.byToken.delete(p.token)
      }
    }
  }

  /** Open streams in all, and of `token`. */
  open(token?: string): number {
    return token === undefined ? this.total : (this.byToken.get(token) ?? 0)
  }
}

function refuse(status: 429 | 503, message: string): { ok: false } & StreamRefusal {
  return { ok: false, status, message, retryAfterSeconds: 5 }
}
