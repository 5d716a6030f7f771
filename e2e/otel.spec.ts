/// <reference lib="dom" />
// Issue 13: an agent instrumented with the real OpenTelemetry JS SDK (no ControlDeck code in it)
// exports to the local engine's /v1/traces with the ingest token copied from the Environments
// page, and its mission — 200 tokens, a failing tool — shows in the Traces list and trace view.
// Browser mode starts its own local engine (startServe), so the token is the engine host's own.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { SpanStatusCode, trace, context as otelContext } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { startServe, type ServeHandle } from '../src/main/services/cli/commands/serve'
import { expect, goTo, itemOf, openConsole, test } from './fixtures'

let consoleServer: ServeHandle
let dataDir: string

test.beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cd-e2e-otel-'))
  consoleServer = await startServe({ dataDir, rendererDir: path.resolve('out/renderer') })
})

test.afterAll(async () => {
  await consoleServer?.close()
  await rm(dataDir, { recursive: true, force: true })
})

/** The test agent: invoke_agent → chat (120 in, 80 out) → a failing execute_tool, exported as OTLP/protobuf. */
async function runInstrumentedAgent(url: string, token: string): Promise<string> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'e2e-research-agent' }),
    spanProcessors: [
      new SimpleSpanProcessor(
        new OTLPTraceExporter({ url, headers: { Authorization: `Bearer ${token}` } })
      )
    ]
  })
  const tracer = provider.getTracer('e2e-agent')
  const agent = tracer.startSpan('invoke_agent researcher', {
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'researcher',
      'gen_ai.provider.name': 'openai'
    }
  })
  const inAgent = trace.setSpan(otelContext.active(), agent)
  const chat = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.provider.name': 'openai',
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 80
      }
    },
    inAgent
  )
  chat.end()
  const tool = tracer.startSpan(
    'execute_tool web_search',
    {
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'web_search',
        'error.type': 'TimeoutError'
      }
    },
    inAgent
  )
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'search timed out' })
  tool.end()
  agent.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed' })
  agent.end()
  await provider.forceFlush()
  await provider.shutdown()
  return agent.spanContext().traceId
}

test('an OTel-instrumented agent pointed at the local engine shows up in the Traces list and trace view', async ({
  page,
  context,
  pageErrors
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await openConsole(page, consoleServer)
  await page.getByTestId('nav-environments').click()
  const panel = page.getByTestId('otlp-panel')
  const [url = ''] = (await panel.getByTestId('otlp-url').innerText()).split(/\s/)
  expect(url).toBe(`${consoleServer.engine!.url}/v1/traces`)
  await expect(panel.getByTestId('otlp-after-the-fact')).toContainText('after the fact')
  // The token is never on the page; copying puts it on the clipboard (browser mode: the page's own).
  await expect(panel).not.toContainText(consoleServer.engine!.otlpIngest.token)
  await panel.getByTestId('otlp-copy-token').click()
  await expect(panel.getByRole('status')).toContainText('Ingest token copied')
  const token = await page.evaluate(() => navigator.clipboard.readText())
  expect(token).toBe(consoleServer.engine!.otlpIngest.token)

  const traceId = await runInstrumentedAgent(url, token)

  await goTo(page, '#/traces?kind=missions')
  const list = page.getByRole('grid', { name: 'Missions' })
  const row = list.getByRole('row').filter({ hasText: traceId })
  await expect(row).toHaveCount(1, { timeout: 15_000 })
  await row.getByRole('link').click()

  const tree = page.getByTestId('trace-tree')
  const chatRow = tree.locator('[data-entity-id^="j_"]').filter({ hasText: 'gpt-4o-mini' })
  await expect(chatRow).toContainText('openai')
  await expect(chatRow).toContainText('120 in / 80 out tokens')
  const toolRow = tree.locator('[data-entity-id^="j_"]').filter({ hasText: 'web_search' })
  await expect(toolRow).toContainText('failed')
  // The chat job's details: model, provider, tokens, and that its governance was after the fact.
  await chatRow.click()
  const details = page.getByTestId('trace-details')
  await expect(details.getByTestId('details-genai')).toContainText('gpt-4o-mini')
  await expect(details.getByTestId('details-genai')).toContainText('120')
  await expect(details.getByTestId('details-ingested')).toBeVisible()
  // Its attempt counted the 200 tokens (120 + 80) in its telemetry.
  const engine = consoleServer.engine!
  const chatJobId = await chatRow.getAttribute('data-entity-id')
  const attempts = (await (
    await fetch(`${engine.url}/api/neurorail/v1/identity/attempts?job_id=${chatJobId}`, {
      headers: { Authorization: `Bearer ${engine.adminToken}` }
    })
  ).json()) as { items: Array<{ attempt_id: string }> }
  await tree
    .locator(
      `[data-entity-id="${itemOf(attempts.items, 0, 'attempt of the chat job').attempt_id}"]`
    )
    .click()
  await expect(details.getByTestId('details-metrics')).toContainText('200')
  // The failed tool's error.
  await toolRow.click()
  await expect(details).toContainText('search timed out')
  expect(pageErrors).toEqual([])
})
