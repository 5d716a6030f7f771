// Browser mode's notifications in Chromium: the main side decides (the same policy as the desktop
// app's native ones) and pushes onNotification; the page shows a Web Notification once the user
// turned them on and the browser allowed it (granted here through the Playwright context), and a
// click opens what it is about.
/// <reference lib="dom" />
import { publishEvent } from '../src/main/services/testing/temp-engine'
import { expect, openConsole, ownStackForSuite, test } from './fixtures'

const stack = ownStackForSuite('notify')

test('a circuit that opens becomes a Web Notification after the user allows them; its click opens the Reflex page', async ({
  page,
  context
}) => {
  const origin = new URL(stack.consoleServer.url).origin
  await context.grantPermissions(['notifications'], { origin })
  // Watch the page's notifications (the real constructor still runs).
  await page.addInitScript(() => {
    const shown: Array<{ title: string; body: string }> = []
    const Real = window.Notification
    class Watched extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options)
        shown.push({ title, body: options?.body ?? '' })
        ;(window as unknown as { __lastNotification: Notification }).__lastNotification = this
      }
    }
    Object.defineProperty(window, 'Notification', {
      value: Watched,
      configurable: true,
      writable: true
    })
    ;(window as unknown as { __notifications: typeof shown }).__notifications = shown
  })
  await openConsole(page, stack.consoleServer.url)
  const shown = () =>
    page.evaluate(
      () =>
        (window as unknown as { __notifications: Array<{ title: string; body: string }> })
          .__notifications.length
    )

  const toggle = page.getByTestId('notifications-toggle')
  await expect(toggle).toHaveText('Notifications off')
  await expect(page.getByTestId('connection-badge')).toContainText(/live/i)

  await toggle.click()
  await expect(toggle).toHaveText('Notifications on')
  await publishEvent(stack.engine, 'reflex', 'circuit_state_changed', {
    circuit_id: 'payments',
    to_state: 'open',
    failure_count: 5,
    success_count: 0
  })
  await expect.poll(shown).toBe(1)
  const [first] = await page.evaluate(
    () =>
      (window as unknown as { __notifications: Array<{ title: string; body: string }> })
        .__notifications
  )
  expect(first?.title).toBe('Circuit payments opened')
  expect(first?.body).toMatch(/after 5 failures/)

  await page.evaluate(() => {
    const n = (window as unknown as { __lastNotification: Notification }).__lastNotification
    n.onclick?.(new Event('click'))
  })
  await expect(page).toHaveURL(/#\/reflex$/)
})
