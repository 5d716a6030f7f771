import { describe, expect, it } from 'vitest'
import {
  CONSOLE_ERROR_CODES,
  ConsoleErrorSchema,
  ConsoleFailure,
  isConsoleErrorCode,
  statusForConsoleErrorCode,
  type ConsoleErrorCode
} from './errors'

describe('ConsoleErrorCode', () => {
  it('is one vocabulary: the table, plus NeuroRail codes passed through', () => {
    for (const code of Object.keys(CONSOLE_ERROR_CODES)) expect(isConsoleErrorCode(code)).toBe(true)
    expect(isConsoleErrorCode('NR-E301')).toBe(true)
    expect(isConsoleErrorCode('NR-E30')).toBe(false)
    expect(isConsoleErrorCode('backend_unavailabel')).toBe(false)
    expect(isConsoleErrorCode(404)).toBe(false)
  })

  it('does not compile with a code nobody declared', () => {
    // @ts-expect-error: a misspelt code is a type error wherever a ConsoleError is built.
    const misspelt: ConsoleErrorCode = 'not_fonud'
    // @ts-expect-error: the same for a ConsoleFailure.
    const failure = new ConsoleFailure({ code: 'nope', message: 'x', retriable: false })
    expect([misspelt, failure.error.code]).toEqual(['not_fonud', 'nope'])
  })

  it('refuses an unknown code read from the wire', () => {
    const read = (code: unknown) => ConsoleErrorSchema.safeParse({ code, message: 'm' }).success
    expect(read('not_found')).toBe(true)
    expect(read('NR-E006')).toBe(true)
    expect(read('made_up')).toBe(false)
  })

  it('answers transport failures with their HTTP status and operation failures with 200', () => {
    expect(statusForConsoleErrorCode('method_not_allowed')).toBe(405)
    expect(statusForConsoleErrorCode('read_only')).toBe(200)
    expect(statusForConsoleErrorCode('NR-E006')).toBe(200)
  })
})
