import { describe, expect, it } from 'vitest'
import { FrameBuffer } from './eventBuffer'

function manualScheduler() {
  const queue: Array<() => void> = []
  return {
    schedule: (cb: () => void) => void queue.push(cb),
    runFrame: () => queue.splice(0).forEach((cb) => cb()),
    get queued() {
      return queue.length
    }
  }
}

describe('FrameBuffer', () => {
  it('flushes everything pushed within one frame as one batch, in order', () => {
    const frames = manualScheduler()
    const batches: number[][] = []
    const buf = new FrameBuffer<number>((items) => batches.push(items), frames.schedule)
    for (let i = 0; i < 1000; i++) buf.push([i])
    expect(frames.queued).toBe(1)
    expect(batches).toHaveLength(0)
    frames.runFrame()
    expect(batches).toHaveLength(1)
    expect(batches[0]).toHaveLength(1000)
    expect(batches[0]?.[999]).toBe(999)
  })

  it('does not schedule a frame when nothing was pushed', () => {
    const frames = manualScheduler()
    const buf = new FrameBuffer<number>(() => undefined, frames.schedule)
    buf.push([])
    expect(frames.queued).toBe(0)
  })

  it('holds items while paused and delivers them on resume', () => {
    const frames = manualScheduler()
    const batches: number[][] = []
    const buf = new FrameBuffer<number>((items) => batches.push(items), frames.schedule)
    buf.pause()
    buf.push([1, 2, 3])
    frames.runFrame()
    expect(batches).toHaveLength(0)
    expect(buf.size).toBe(3)
    buf.resume()
    frames.runFrame()
    expect(batches).toEqual([[1, 2, 3]])
  })

  it('drops the oldest items when a paused backlog overflows', () => {
    const frames = manualScheduler()
    const batches: number[][] = []
    const buf = new FrameBuffer<number>((items) => batches.push(items), frames.schedule, 5)
    buf.pause()
    buf.push([1, 2, 3, 4, 5, 6, 7])
    expect(buf.droppedCount).toBe(2)
    buf.resume()
    frames.runFrame()
    expect(batches).toEqual([[3, 4, 5, 6, 7]])
  })

  it('stays bounded when no frame comes (a hidden window) and keeps the newest items', () => {
    const frames = manualScheduler()
    const batches: number[][] = []
    const buf = new FrameBuffer<number>((items) => batches.push(items), frames.schedule, 5)
    for (let i = 1; i <= 9; i++) buf.push([i])
    expect(buf.size).toBe(5)
    expect(buf.droppedCount).toBe(4)
    frames.runFrame()
    expect(batches).toEqual([[5, 6, 7, 8, 9]])
  })
})
