/**
 * The last `capacity` ids seen, for dedup of events that carry no monotonic id: adding beyond the
 * capacity forgets the oldest (a Set iterates in insertion order), so memory stays bounded on a
 * stream that runs for days.
 */
export class RecentIds {
  private readonly ids = new Set<string>()

  constructor(private readonly capacity: number) {}

  clear(): void {
    this.ids.clear()
  }

  has(id: string): boolean {
    return this.ids.has(id)
  }

  add(id: string): void {
    this.ids.add(id)
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value
      if (oldest !== undefined) this.ids.delete(oldest)
    }
  }
}
