import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { Store } from './store'
import { suiteTempDir } from '../testing/suite'

describe('Store.close', () => {
  const dir = suiteTempDir('cd-engine-close-')

  it('also commits the follow-up writes that after-commit work of the last batch makes', () => {
    const file = path.join(dir, 'follow-up.db')
    const store = new Store(file, { checkpointIntervalMs: 0 })
    const insert = (type: string): void => {
      store.db
        .prepare(
          "INSERT INTO stream_events (channel, event_type, payload) VALUES ('audit', ?, '{}')"
        )
        .run(type)
    }
    // A request's write whose after-commit listener writes again (governance bookkeeping does),
    // and that listener's own follow-up once more.
    store.transaction(() => {
      insert('request')
      store.afterCommit(() =>
        store.transaction(() => {
          insert('follow-up')
          store.afterCommit(() => store.transaction(() => insert('second follow-up')))
        })
      )
    })
    store.close()
    const raw = new Database(file, { readonly: true })
    const types = (
      raw.prepare('SELECT event_type FROM stream_events ORDER BY id').all() as Array<{
        event_type: string
      }>
    ).map((r) => r.event_type)
    raw.close()
    expect(types).toEqual(['request', 'follow-up', 'second follow-up'])
  })
})
