/** Result of {@link findElectronBinary}: a working binary, or why there is none. */
export type ElectronBinary =
  { path: string; version: string; reason?: undefined } | { path?: undefined; reason: string }

/** Finds a working Electron binary; `download: true` fetches a missing one first. */
export function findElectronBinary(options?: { download?: boolean }): ElectronBinary

/** False on Linux without an X or Wayland display. */
export function hasDisplay(): boolean
