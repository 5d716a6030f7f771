import { describe, expect, it } from 'vitest'
import { AnyRecordSchema, TraceNodeSchema, dataMethods } from './data'
import {
  BaseUrlSchema,
  CredentialInputSchema,
  EnvironmentInputSchema,
  environmentsMethods
} from './environments'

describe('environments contract', () => {
  it('accepts http(s) base URLs without credentials, query or fragment, and drops the trailing slash', () => {
    expect(BaseUrlSchema.parse(' https://brain.example.com/api/ ')).toBe(
      'https://brain.example.com/api'
    )
    for (const bad of [
      'ftp://x.example',
      'https://user:pw@x.example',
      'https://x.example/?token=1',
      'not a url'
    ]) {
      expect(BaseUrlSchema.safeParse(bad).success, bad).toBe(false)
    }
  })

  it('fills defaults of a new environment', () => {
    expect(EnvironmentInputSchema.parse({ name: ' Dev ', baseUrl: 'http://dev.example' })).toEqual({
      name: 'Dev',
      baseUrl: 'http://dev.example',
      authKind: 'none',
      color: 'blue',
      isProduction: false,
      readOnly: false
    })
  })

  it('takes a token or a BRAiN login as credential, nothing else', () => {
    expect(CredentialInputSchema.safeParse({ kind: 'token', token: '' }).success).toBe(false)
    expect(CredentialInputSchema.safeParse({ kind: 'password', password: 'x' }).success).toBe(false)
    expect(
      CredentialInputSchema.parse({ kind: 'brain_login', email: 'a@b.c', password: 'pw' }).kind
    ).toBe('brain_login')
  })

  it('marks no environments method as a backend write, and the data writes as writes', () => {
    expect(Object.values(environmentsMethods).some((m) => 'write' in m && m.write)).toBe(false)
    const writes = Object.entries(dataMethods)
      .filter(([, m]) => 'write' in m && m.write)
      .map(([name]) => name)
    expect(writes.sort()).toEqual(['governorDecide', 'transitionEntity'])
  })
})

describe('data contract', () => {
  it('keeps each record type intact in the record union (a plan is not taken for a mission)', () => {
    const plan = AnyRecordSchema.parse({
      plan_id: 'p_0123456789ab',
      mission_id: 'm_0123456789ab',
      created_at: '2026-11-23T05:52:19.188524',
      plan_type: 'dag',
      metadata: {}
    })
    expect(plan).toEqual({
      plan_id: 'p_0123456789ab',
      mission_id: 'm_0123456789ab',
      created_at: '2026-11-23T05:52:19.188Z',
      plan_type: 'dag',
      metadata: {}
    })
  })

  it('parses a recursive trace tree', () => {
    const node = {
      entityType: 'mission',
      entityId: 'm_0123456789ab',
      record: {
        mission_id: 'm_0123456789ab',
        created_at: '2026-11-23T05:52:19Z',
        parent_mission_id: null,
        tags: {}
      },
      state: 'planning',
      childCount: 1,
      nextCursor: null,
      children: [
        {
          entityType: 'plan',
          entityId: 'p_0123456789ab',
          record: {
            plan_id: 'p_0123456789ab',
            mission_id: 'm_0123456789ab',
            created_at: '2026-11-23T05:52:19Z',
            plan_type: 'sequential',
            metadata: {}
          },
          state: null,
          childCount: 0,
          nextCursor: null,
          children: []
        }
      ]
    }
    expect(TraceNodeSchema.parse(node).children[0]?.entityId).toBe('p_0123456789ab')
    expect(
      TraceNodeSchema.safeParse({ ...node, children: [{ ...node.children[0], state: 'bogus' }] })
        .success
    ).toBe(false)
  })
})
