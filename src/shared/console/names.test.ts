import { describe, expect, it } from 'vitest'
import { CONSOLE_EVENTS, CONSOLE_METHODS } from './api'
import { CONSOLE_EVENT_NAMES, CONSOLE_METHOD_NAMES } from './names'

describe('zod-free contract names', () => {
  it('lists exactly the methods of the contract', () => {
    expect([...CONSOLE_METHOD_NAMES].sort()).toEqual(Object.keys(CONSOLE_METHODS).sort())
  })

  it('lists exactly the events of the contract', () => {
    expect([...CONSOLE_EVENT_NAMES].sort()).toEqual(Object.keys(CONSOLE_EVENTS).sort())
  })
})
