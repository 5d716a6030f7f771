import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkFeedUrl, resolveUpdateFeed, UPDATE_CONFIG_FILE } from './update-feed'

let dataDir: string
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'cd-update-feed-'))
})
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

function writeConfig(text: string): void {
  writeFileSync(path.join(dataDir, UPDATE_CONFIG_FILE), text)
}

const packaged = (env: NodeJS.ProcessEnv = {}, bundledConfig: string | null = null) =>
  resolveUpdateFeed({ packaged: true, env, dataDir, bundledConfig })

describe('resolveUpdateFeed', () => {
  it('is off in a development build whatever is configured', () => {
    writeConfig('{"url":"https://updates.example.com/controldeck"}')
    const feed = resolveUpdateFeed({
      packaged: false,
      env: { CONTROLDECK_UPDATE_URL: 'https://a.example.com' },
      dataDir,
      bundledConfig: null
    })
    expect(feed).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('development build')
    })
  })

  it('takes CONTROLDECK_UPDATE_URL first, then update.json, then the feed built into the package', () => {
    const bundled = path.join(dataDir, 'app-update.yml')
    writeFileSync(bundled, 'provider: generic\nurl: https://built.example.com\n')
    writeConfig('{"url":"https://file.example.com/feed"}')
    expect(packaged({ CONTROLDECK_UPDATE_URL: 'https://env.example.com/feed' }, bundled)).toEqual({
      kind: 'url',
      url: 'https://env.example.com/feed',
      source: 'CONTROLDECK_UPDATE_URL'
    })
    expect(packaged({}, bundled)).toEqual({
      kind: 'url',
      url: 'https://file.example.com/feed',
      source: path.join(dataDir, UPDATE_CONFIG_FILE)
    })
    rmSync(path.join(dataDir, UPDATE_CONFIG_FILE))
    expect(packaged({}, bundled)).toEqual({ kind: 'bundled', file: bundled })
  })

  it('says how to configure a feed when there is none', () => {
    const feed = packaged()
    expect(feed.kind).toBe('none')
    if (feed.kind === 'none') {
      expect(feed.reason).toContain('CONTROLDECK_UPDATE_URL')
      expect(feed.reason).toContain(path.join(dataDir, UPDATE_CONFIG_FILE))
    }
  })

  it('can be turned off by the environment variable or the file', () => {
    writeConfig('{"url":"https://file.example.com/feed"}')
    expect(packaged({ CONTROLDECK_UPDATE_URL: 'off' })).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('turned off')
    })
    writeConfig('{"enabled":false,"url":"https://file.example.com/feed"}')
    expect(packaged()).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('turned off')
    })
  })

  it('turns updates off with a reason naming the bad setting, never throwing', () => {
    expect(packaged({ CONTROLDECK_UPDATE_URL: 'http://updates.example.com' })).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('https')
    })
    for (const bad of [
      '{not json',
      '[]',
      '{"url": 42}',
      '{"url":"ftp://x"}',
      '{"feed":"https://x"}',
      'x'.repeat(70_000)
    ]) {
      writeConfig(bad)
      const feed = packaged()
      expect(feed.kind, bad.slice(0, 20)).toBe('none')
      if (feed.kind === 'none') expect(feed.reason).toContain(UPDATE_CONFIG_FILE)
    }
  })
})

describe('checkFeedUrl', () => {
  it('accepts https anywhere and http on loopback only, without credentials', () => {
    expect(checkFeedUrl('https://updates.example.com/cd/')).toEqual({
      ok: true,
      url: 'https://updates.example.com/cd/'
    })
    expect(checkFeedUrl('http://127.0.0.1:8080/feed').ok).toBe(true)
    expect(checkFeedUrl('http://localhost/feed').ok).toBe(true)
    expect(checkFeedUrl('http://updates.example.com').ok).toBe(false)
    expect(checkFeedUrl('https://user:pw@updates.example.com').ok).toBe(false)
    expect(checkFeedUrl('file:///etc/passwd').ok).toBe(false)
    expect(checkFeedUrl('').ok).toBe(false)
    expect(checkFeedUrl(`https://x.example.com/${'a'.repeat(3000)}`).ok).toBe(false)
  })
})
