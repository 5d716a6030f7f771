/**
 * The last `capacity` ids seen, for dedup: adding beyond the capacity forgets the oldest, so
 * memory stays bounded on a stream that runs for days. A ring of the ids in arrival order names
 * the oldest without walking the set (this runs once per event).
 */
export class RecentIds {
  private readonly ids = new Set<string>()
  private readonly ring: (string | undefined)[]
  private next = 0

  constructor(private readonly capacity: number) {
    this.ring = new Array<string | undefined>(capacity)
  }

  clear(): void {
    this.ids.clear()
    this.ring.fill(undefined)
    this.next = 0
  }

  has(id: string): boolean {
    return this.ids.has(id)
  }

  add(id: string): void {
    if (this.ids.has(id)) return
    const oldest = this.ring[this.next]
    if (oldest !== undefined) this.ids.delete(oldest)
    this.ring[this.next] = id
    this.next = (this.next + 1) % this.capacity
    this.ids.add(id)
  }
}
