#!/usr/bin/env node
// `npm run dev`: electron-vite's dev server with hot reload. The main process trusts the dev
// server's URL (ELECTRON_RENDERER_URL, set by electron-vite) only when CONTROLDECK_DEV_SERVER=1
// says this is that dev server; `npm start` and packaged apps never set it.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { findElectronBinary } from './electron-binary.mjs'
import { prepareNativeModules } from './native-sqlite.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(root)

const electron = findElectronBinary({ download: true })
if (!electron.path) {
  console.log(
    `controldeck: no Electron binary (${electron.reason}); \`npm run serve\` runs browser mode`
  )
  process.exit(1)
}
const build = spawn(process.execPath, ['scripts/build-node.mjs'], { stdio: 'inherit' })
build.on('exit', async (code) => {
  if (code !== 0) process.exit(code ?? 1)
  await prepareNativeModules(electron.version)
  const electronVite = path.join('node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  const child = spawn(process.execPath, [electronVite, 'dev', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, CONTROLDECK_DEV_SERVER: '1' }
  })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (exitCode, signal) => process.exit(exitCode ?? (signal ? 1 : 0)))
})
