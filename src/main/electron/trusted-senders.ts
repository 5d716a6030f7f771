import type { IpcMainInvokeEvent, WebContents } from 'electron'
import { isAppUrl, type AppLocation } from './urls'

/**
 * The webContents allowed to call ConsoleApi: our own windows, registered when created and dropped
 * when destroyed (GitHub Desktop's trusted-sender set, plus VS Code's origin and main-frame checks).
 */
export class TrustedSenders {
  private readonly ids = new Set<number>()

  constructor(private readonly location: AppLocation) {}

  /** Trusts `contents` until it is destroyed. */
  add(contents: WebContents): void {
    const id = contents.id
    this.ids.add(id)
    contents.once('destroyed', () => this.ids.delete(id))
  }

  /** The live trusted webContents (for pushing events). */
  has(id: number): boolean {
    return this.ids.has(id)
  }

  /**
   * Why an IPC call must be refused, or null when it comes from our window's main frame showing our
   * own page. An iframe or a page that navigated elsewhere never reaches a service.
   */
  refusal(event: IpcMainInvokeEvent): string | null {
    if (!this.ids.has(event.sender.id)) return 'sender is not a ControlDeck window'
    const frame = event.senderFrame
    if (!frame) return 'sender frame is gone'
    // A frame without a parent is a top-level frame; only the main frame may call.
    if (frame.parent !== null) return 'sender is not the main frame'
    if (!isAppUrl(frame.url, this.location)) return `sender shows ${frame.url}, not the console`
    return null
  }
}
