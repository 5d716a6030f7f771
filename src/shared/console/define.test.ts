import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { CONSOLE_METHODS } from './api'
import { NoInputSchema, defineMethod } from './define'

describe('defineMethod', () => {
  it('gives a method declared without input the empty input: {} with unknown keys dropped', () => {
    const method = defineMethod({ description: 'No input.', output: z.string() })
    expect(method.input).toBe(NoInputSchema)
    expect(method.input.parse({})).toEqual({})
    expect(method.input.parse({ extra: 1 })).toEqual({})
    expect(method.input.safeParse('text').success).toBe(false)
    expect(method.input.safeParse(null).success).toBe(false)
  })

  it('keeps a declared input and the other fields', () => {
    const input = z.object({ id: z.string() })
    const method = defineMethod({ description: 'Id.', input, output: z.string(), write: true })
    expect(method).toEqual({ description: 'Id.', input, output: method.output, write: true })
  })

  it('every method of the contract has an input schema', () => {
    for (const [name, method] of Object.entries(CONSOLE_METHODS))
      expect(method.input instanceof z.ZodType, name).toBe(true)
    expect(CONSOLE_METHODS.getAppInfo.input).toBe(NoInputSchema)
  })
})
