/// <reference lib="dom" />
// Issue 14 item 7: on a real-BRAiN-like backend (the fake BRAiN: no list routes, nullable audit
// levels) the Traces lists fill from the audit history and say so, and the Overview's recent
// failures list failures only — a level-less execution_failure included, successes and starts never.
import {
  seedBrainFailures,
  type SeededBrainRun
} from '../src/main/services/client/testing/brain-seed'
import { startFakeBrain, type FakeBrain } from '../src/main/services/client/testing/fake-brain'
import { expect, expectCount, goTo, openAt, openList, ownStackForSuite, test } from './fixtures'

const TOKEN = 'brain-e2e-token'

test.describe('A BRAiN backend without list routes', () => {
  const stack = ownStackForSuite('brain')
  let brain: FakeBrain
  let ok: SeededBrainRun
  let bad: SeededBrainRun

  test.beforeAll(async () => {
    brain = await startFakeBrain({ staticToken: TOKEN })
    ;({ ok, bad } = await seedBrainFailures(brain, TOKEN))
    const service = stack.consoleServer.service
    const view = (await service.invoke('addEnvironment', {
      name: 'BRAiN staging',
      baseUrl: brain.url,
      authKind: 'bearer',
      color: 'amber'
    })) as { id: string }
    await service.invoke('setCredential', {
      environmentId: view.id,
      credential: { kind: 'token', token: TOKEN }
    })
    await service.invoke('switchEnvironment', { id: view.id })
  })

  test.afterAll(async () => {
    await brain?.close()
  })

  test('Traces lists fill from the audit history, with the source line', async ({
    page,
    pageErrors
  }) => {
    const table = await openList(page, stack.consoleServer, 'Missions')
    const origin = page.getByTestId('list-origin')
    await expect(origin).toHaveText(
      /^From the audit history \(this backend has no list route\): 2 missions seen in the last 9 events \(the whole history\)\.$/
    )
    await expect(origin).toHaveAttribute('data-origin', 'audit_history')
    await expectCount(table, 2)
    await expect(table.getByRole('row', { name: new RegExp(bad.missionId) })).toContainText(
      'failed'
    )
    await expect(table.getByRole('row', { name: new RegExp(ok.missionId) })).toContainText(
      'completed'
    )

    await goTo(page, '#/traces?kind=attempts')
    await expectCount(page.getByRole('grid', { name: 'Attempts' }), 4)
    await expect(origin).toContainText('4 attempts seen in the last 9 events')
    await page.screenshot({ path: 'e2e/screenshots/brain-attempts-from-audit.png' })
    expect(pageErrors).toEqual([])
  })

  test('Overview recent failures: failures only, the level-less one included', async ({
    page,
    pageErrors
  }) => {
    await openAt(page, stack.consoleServer, '#/overview')
    const card = page.getByTestId('overview-failures')
    const rows = card.getByRole('listitem')
    await expect(rows).toHaveCount(3)
    for (const id of [ok.attemptIds[0], bad.attemptIds[0], bad.attemptIds[1]]) {
      await expect(card.getByRole('link', { name: id })).toBeVisible()
    }
    await expect(card).not.toContainText('mislabelled success')
    await expect(card).not.toContainText('execution_start')
    await expect(card).not.toContainText('execution_success')
    expect(pageErrors).toEqual([])
  })
})
