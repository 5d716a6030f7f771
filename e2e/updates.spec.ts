// The update banner in Chromium over browser mode: the services' update controller is driven as
// src/main/electron/updater.ts drives it from electron-updater's events (no Electron here), and the
// page must show the download, offer "Restart to update" once ready, and restart only on the click.
import type { UpdateDriver } from '../src/main/services/updates/update-controller'
import { expect, openConsole, ownStackForSuite, test } from './fixtures'

test.describe('self-update banner', () => {
  const stack = ownStackForSuite('updates')

  test('stays hidden while updates are off, then follows a found update to "Restart to update"', async ({
    page,
    pageErrors
  }) => {
    const updates = stack.consoleServer.service.context.updates
    await openConsole(page, stack.consoleServer.url)
    await expect(page.getByTestId('app')).toBeVisible()
    // Browser mode: disabled, so no banner.
    await expect(page.getByTestId('update-banner')).toHaveCount(0)

    let installs = 0
    const driver: UpdateDriver = {
      check: async () => null,
      quitAndInstall: () => {
        installs++
      }
    }
    updates.enable(driver)
    await updates.check()
    updates.dispatch({ type: 'available', version: '0.2.0' })
    const banner = page.getByTestId('update-banner')
    await expect(banner).toContainText('ControlDeck 0.2.0 is available')
    updates.dispatch({ type: 'progress', percent: 42.5 })
    await expect(banner).toContainText('Downloading ControlDeck 0.2.0: 42%')
    await expect(banner.getByRole('button', { name: 'Restart to update' })).toHaveCount(0)

    updates.dispatch({ type: 'downloaded', version: '0.2.0' })
    await expect(banner).toContainText('ControlDeck 0.2.0 is ready')
    expect(installs).toBe(0)
    await banner.getByRole('button', { name: 'Restart to update' }).click()
    await expect.poll(() => installs).toBe(1)
    expect(pageErrors).toEqual([])
  })
})
