// Before a source checkout launches Electron: better-sqlite3 is not N-API, so the Electron main
// process cannot load the Node build in node_modules. This builds one for the Electron version in
// use, once, into ~/.cache/controldeck/native/<version>-<arch>/ (the main process finds it there and
// loads it through better-sqlite3's `nativeBinding`), and says in one line what it did or why it
// could not. The logic lives in src/main/services/native (bundled to out/node/native-sqlite.js).
import path from 'node:path'
import { pathToFileURL } from 'node:url'

/** Prepares better-sqlite3 for Electron `version` (`v45.4.1` or `45.4.1`); never throws. */
export async function prepareNativeModules(version) {
  try {
    const bundle = pathToFileURL(path.resolve('out/node/native-sqlite.js')).href
    const { prepareElectronSqlite } = await import(bundle)
    const { line } = await prepareElectronSqlite({
      electronVersion: version,
      onBuildStart: (message) => console.log(message)
    })
    if (line) console.log(line)
  } catch (error) {
    console.log(
      `controldeck: could not prepare better-sqlite3 for Electron (${String(error?.message ?? error).split('\n')[0]}); ` +
        'the app starts without its embedded engine and cache'
    )
  }
}

// `npm run rebuild:electron`: the same, by hand, for the Electron version in node_modules (its
// binary need not be present). node_modules itself is left alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { createRequire } = await import('node:module')
  const version = createRequire(import.meta.url)('electron/package.json').version
  await prepareNativeModules(version)
}
