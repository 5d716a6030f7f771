import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseCli } from '../cli-args'
import { MAX_PRICE_FILE_BYTES } from './ingest-prices'

/** `--otel-prices <file>`: read bounded, and a bad file is one line naming it and what is wrong. */
describe('--otel-prices', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cd-otel-prices-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const file = (name: string, text?: string): string => {
    const p = path.join(dir, name)
    if (text !== undefined) writeFileSync(p, text)
    return p
  }

  it('reads a valid price list into the options', () => {
    const prices = [{ provider: 'acme', model: 'm-1', input: 1.5, output: 6 }]
    expect(parseCli(['--otel-prices', file('ok.json', JSON.stringify(prices))])).toMatchObject({
      ok: true,
      options: { otelPrices: path.join(dir, 'ok.json'), prices }
    })
    expect(parseCli([])).toMatchObject({ ok: true, options: { prices: [] } })
  })

  mkdirSync(path.join(dir, 'a-folder'), { recursive: true })
  const ROWS: Array<[what: string, name: string, text: string | undefined, error: RegExp]> = [
    ['a missing file', 'missing.json', undefined, /: cannot be read \(ENOENT\)$/],
    ['a folder', 'a-folder', undefined, /: is not a regular file$/],
    [
      'a file over the size limit',
      'huge.json',
      '[' + ' '.repeat(MAX_PRICE_FILE_BYTES) + ']',
      /: is larger than 1048576 bytes \(a price list is a few kilobytes\)$/
    ],
    [
      'malformed JSON',
      'broken.json',
      '[\n  {"provider": "openai",\n   "model": }\n]',
      /: is not valid JSON.*line 3,? column 13/
    ],
    ['an object, not a list', 'object.json', '{}', /: prices must be a JSON list/],
    [
      'a negative price',
      'negative.json',
      '[{"provider":"a","model":"b","input":1,"output":2},{"provider":"a","model":"c","input":-1,"output":2}]',
      /: prices\[1\]\.input is wrong: each price is \{provider: string/
    ],
    [
      'a price that overflows to Infinity',
      'infinite.json',
      '[{"provider":"a","model":"b","input":1,"output":1e999}]',
      /: prices\[0\]\.output is wrong/
    ],
    [
      'an empty model name',
      'unnamed.json',
      '[{"provider":"a","model":"","input":1,"output":1}]',
      /: prices\[0\]\.model is wrong/
    ]
  ]

  it.each(ROWS)('refuses %s with one line naming the file', (_what, name, text, error) => {
    const p = file(name, text)
    const parsed = parseCli(['--otel-prices', p])
    expect(parsed.ok).toBe(false)
    const message = parsed.ok ? '' : parsed.error
    expect(message.startsWith(`--otel-prices ${p}: `)).toBe(true)
    expect(message).toMatch(error)
    expect(message).not.toContain('\n')
  })
})
