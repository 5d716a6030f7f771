import { EventEmitter } from 'node:events'
import type { IpcMainInvokeEvent, WebContents } from 'electron'
import { describe, expect, it } from 'vitest'
import { TrustedSenders } from './trusted-senders'

// Stand-ins for Electron's objects (the class only reads ids, frames and URLs); no Electron
// binary is needed, and nothing of ours is faked.
function fakeContents(id: number, url: string) {
  const contents = Object.assign(new EventEmitter(), { id, mainFrame: { url, parent: null } })
  return contents as unknown as WebContents &
    EventEmitter & { mainFrame: { url: string; parent: null } }
}

function invokeEvent(
  sender: ReturnType<typeof fakeContents>,
  frame: { url: string; parent: unknown } | null
) {
  return { sender, senderFrame: frame } as unknown as IpcMainInvokeEvent
}

const APP = 'file:///opt/cd/out/renderer/index.html'

describe('TrustedSenders', () => {
  const trusted = new TrustedSenders({ kind: 'file', indexUrl: APP })

  it('accepts the main frame of a registered window showing our page', () => {
    const contents = fakeContents(1, `${APP}#/audit`)
    trusted.add(contents)
    expect(trusted.refusal(invokeEvent(contents, contents.mainFrame))).toBeNull()
  })

  it('refuses unknown windows, sub-frames, foreign pages and destroyed windows', () => {
    const stranger = fakeContents(2, APP)
    expect(trusted.refusal(invokeEvent(stranger, stranger.mainFrame))).toMatch(
      /not a ControlDeck window/
    )

    const contents = fakeContents(3, APP)
    trusted.add(contents)
    expect(
      trusted.refusal(invokeEvent(contents, { url: APP, parent: contents.mainFrame }))
    ).toMatch(/not the main frame/)
    expect(trusted.refusal(invokeEvent(contents, null))).toMatch(/frame is gone/)

    contents.mainFrame.url = 'https://evil.example/'
    expect(trusted.refusal(invokeEvent(contents, contents.mainFrame))).toMatch(/evil\.example/)

    contents.mainFrame.url = APP
    expect(trusted.has(3)).toBe(true)
    contents.emit('destroyed')
    expect(trusted.has(3)).toBe(false)
    expect(trusted.refusal(invokeEvent(contents, contents.mainFrame))).toMatch(
      /not a ControlDeck window/
    )
  })
})
