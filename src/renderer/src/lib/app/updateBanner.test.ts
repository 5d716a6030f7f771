import { describe, expect, it } from 'vitest'
import { updateBannerView } from './updateBanner'

describe('updateBannerView', () => {
  it('stays silent until an update is found', () => {
    expect(updateBannerView(null)).toBeNull()
    expect(updateBannerView({ status: 'disabled', reason: 'development build' })).toBeNull()
    expect(updateBannerView({ status: 'idle', lastCheckedAt: null })).toBeNull()
    expect(updateBannerView({ status: 'checking' })).toBeNull()
  })

  it('tells the operator about a download and offers the restart only once it is ready', () => {
    expect(updateBannerView({ status: 'available', version: '0.2.0' })).toMatchObject({
      action: null
    })
    expect(
      updateBannerView({ status: 'downloading', version: '0.2.0', percent: 41.7 })
    ).toMatchObject({
      sentence: 'Downloading ControlDeck 0.2.0: 41%.',
      action: null
    })
    expect(updateBannerView({ status: 'ready', version: '0.2.0' })).toMatchObject({
      tone: 'ok',
      action: 'restart',
      sentence: expect.stringContaining('nothing restarts until you do')
    })
  })

  it('shows a failed check with a way to try again', () => {
    expect(updateBannerView({ status: 'error', message: 'offline' })).toEqual({
      tone: 'warn',
      sentence: 'The update check failed: offline',
      action: 'check',
      dismissible: true
    })
  })
})
