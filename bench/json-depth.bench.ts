// node scripts/run-bench.mjs bench/json-depth.bench.ts — what the depth bound on every JSON text
// read from outside costs (src/shared/json-depth.ts). Prints figures; asserts nothing.
//   scan: findTooDeep over a typical small request body and over a 1.2 MB flat answer
//   refuse: a 1 MB body nested 500,000 deep (request side, stops at the limit)
//   cap: the same text with its too-deep part replaced (answer side)
import { findTooDeep, parseJsonBounded, parseJsonCapped } from '../src/shared/json-depth'
import { MAX_REQUEST_DEPTH, MAX_RESPONSE_DEPTH } from '../src/shared/neurorail/limits'

function time(label: string, fn: () => unknown, runs: number): void {
  fn()
  const started = performance.now()
  for (let i = 0; i < runs; i++) fn()
  const ms = (performance.now() - started) / runs
  console.log(
    `${label.padEnd(44)} ${ms < 0.1 ? `${(ms * 1000).toFixed(2)} µs` : `${ms.toFixed(2)} ms`}`
  )
}

const small = JSON.stringify({
  event_type: 'note',
  event_category: 'execution',
  message: 'hello',
  details: { a: 1, b: [1, 2] }
})
const flat = JSON.stringify(
  Array.from({ length: 20_000 }, (_, i) => ({
    id: i,
    name: 'x'.repeat(20),
    tags: { a: [1, 2, 3] }
  }))
)
const deep = '['.repeat(500_000) + ']'.repeat(500_000)

time(`JSON.parse small (${small.length} B)`, () => JSON.parse(small), 100_000)
time(`findTooDeep small (${small.length} B)`, () => findTooDeep(small, MAX_REQUEST_DEPTH), 100_000)
time(`JSON.parse flat (${(flat.length / 1e6).toFixed(1)} MB)`, () => JSON.parse(flat), 20)
time(
  `findTooDeep flat (${(flat.length / 1e6).toFixed(1)} MB)`,
  () => findTooDeep(flat, MAX_RESPONSE_DEPTH),
  20
)
time(
  'parseJsonBounded 1 MB, 500,000 deep (refused)',
  () => parseJsonBounded(deep, MAX_REQUEST_DEPTH),
  20
)
time(
  'parseJsonCapped 1 MB, 500,000 deep (capped)',
  () => parseJsonCapped(deep, MAX_RESPONSE_DEPTH),
  20
)
