// The packaging contract of electron-builder.config.mjs, checked without packing anything (the
// packed result itself is inspected by packed-app.dist.test.ts under `npm run dist:check`).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import config, { DEEP_LINK_SCHEME, FUSES } from '../../electron-builder.config.mjs'
import { DEEP_LINK_SCHEME as APP_SCHEME } from '../../src/main/electron/urls'

const root = path.resolve(import.meta.dirname, '..', '..')

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(path.join(root, file))
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

function targetsOf(platform: { target?: unknown } | null | undefined): string[] {
  const list = Array.isArray(platform?.target) ? platform.target : [platform?.target]
  return list.map((t) => (typeof t === 'string' ? t : (t as { target: string }).target))
}

describe('electron-builder.config.mjs', () => {
  it('builds the installers of every platform under one app id and product name', () => {
    expect(config.appId).toBe('dev.controldeck.console')
    expect(config.productName).toBe('ControlDeck')
    expect(targetsOf(config.linux)).toEqual(['AppImage', 'deb'])
    expect(targetsOf(config.mac)).toEqual(['dmg', 'zip'])
    for (const target of config.mac?.target as Array<{ arch: string[] }>)
      expect(target.arch).toEqual(['arm64', 'x64'])
    expect(targetsOf(config.win)).toEqual(['nsis'])
  })

  it('registers the scheme the app answers to, on every platform', () => {
    expect(DEEP_LINK_SCHEME).toBe(APP_SCHEME)
    // Top-level protocols: macOS Info.plist and the Linux desktop entry (x-scheme-handler/controldeck).
    expect(config.protocols).toEqual([{ name: 'ControlDeck link', schemes: [APP_SCHEME] }])
    // NSIS has no protocols option: the included script writes the registry keys.
    const nsh = readFileSync(path.join(root, config.nsis?.include as string), 'utf8')
    expect(nsh).toContain(`Software\\Classes\\${APP_SCHEME}`)
    expect(nsh).toContain('"URL Protocol"')
    expect(nsh).toMatch(/customUnInstall[\s\S]*DeleteRegKey SHCTX "Software\\Classes\\controldeck"/)
  })

  it('sets the fuses of a packaged app', () => {
    expect(config.electronFuses).toBe(FUSES)
    // Every way into Node off; cookie encryption and the integrity-checked app.asar on.
    const off = [
      'runAsNode',
      'enableNodeOptionsEnvironmentVariable',
      'enableNodeCliInspectArguments'
    ]
    const on = [
      'enableCookieEncryption',
      'onlyLoadAppFromAsar',
      'enableEmbeddedAsarIntegrityValidation'
    ]
    expect(FUSES).toEqual(
      Object.fromEntries([...off.map((fuse) => [fuse, false]), ...on.map((fuse) => [fuse, true])])
    )
  })

  it('unpacks the native modules from the asar', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        'node_modules/better-sqlite3/build/Release/*.node',
        'node_modules/keytar/build/Release/*.node'
      ])
    )
  })

  it('uses icons from resources/ in the sizes each platform needs', () => {
    expect(config.linux?.icon).toBe('resources/icons')
    for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(pngSize(`resources/icons/${size}x${size}.png`)).toEqual({ width: size, height: size })
    }
    expect(pngSize(config.mac?.icon as string)).toEqual({ width: 1024, height: 1024 })
    expect(pngSize(config.win?.icon as string).width).toBeGreaterThanOrEqual(256)
  })
})
