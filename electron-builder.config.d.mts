import type { Configuration } from 'electron-builder'

/** The deep-link scheme every package registers. */
export const DEEP_LINK_SCHEME: string

/** Fuses set on the packaged Electron binary. */
export const FUSES: NonNullable<Configuration['electronFuses']>

/** electron-builder configuration of `npm run dist`. */
declare const config: Configuration
export default config
