/** Builds better-sqlite3 for Electron `version` once (cached per version and arch); never throws. */
export function prepareNativeModules(version: string): Promise<void>
