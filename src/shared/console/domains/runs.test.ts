import { describe, expect, it } from 'vitest'
import { LocalRunScriptSchema } from './runs'

const problems = (script: string): string[] => {
  const read = LocalRunScriptSchema.safeParse(script)
  return read.success ? [] : read.error.issues.map((i) => i.message)
}

describe('LocalRunScriptSchema', () => {
  it('accepts the demos and absolute script paths', () => {
    expect(problems('demo:flaky')).toEqual([])
    expect(problems('/home/me/agent.mjs')).toEqual([])
    expect(problems('C:\\agents\\a.ts')).toEqual([])
  })

  it('says one thing per bad script: a mistyped demo reads as a demo, not as a path', () => {
    expect(problems('demo:nope').join(' | ')).toContain(
      'there is no demo called demo:nope: use one of demo:flaky, demo:slow, demo:greedy'
    )
    expect(problems('demo:nope').join(' | ')).not.toContain('.js, .mjs or .ts')
    expect(problems('agent.mjs').join(' | ')).toContain('script must be an absolute path')
    expect(problems('/tmp/agent.py').join(' | ')).toContain('script must end in .js, .mjs or .ts')
    expect(problems('/tmp/a\0.mjs').join(' | ')).toContain('script must not contain NUL')
  })
})
