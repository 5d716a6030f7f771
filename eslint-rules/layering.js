// @ts-check
// `local/layering`: holds the one-way import direction of docs/conventions.md.
//
//   shared ← engine ← main/services ← main/electron;  preload and renderer import shared only.
//
// Inside src/engine, tiers in the same one-way direction (ENGINE_TIERS):
//
//   store ← domain services ← modules ← edge (routes, http, auth, composition)
//
// The importing file's layer comes from its path; the imported module is classified as one of our
// src layers (relative specifiers are resolved), 'electron', a Node builtin, or an npm package.
// Type-only imports count too: a type from main in the renderer still couples the two runtimes.
import { builtinModules } from 'node:module'
import path from 'node:path'

/** @typedef {'shared' | 'engine' | 'agent' | 'services' | 'electron-main' | 'preload' | 'renderer'} Layer */

/**
 * What each layer may import. `layers`: our src folders; `electron`/`node`: the 'electron' module and
 * Node builtins; `packages`: npm packages (`'*'` = any package except `uiPackages`); `outside`:
 * relative imports that leave src/ (e.g. package.json).
 * @type {Record<Layer, { layers: Layer[], electron: boolean, node: boolean, packages: string[] | '*', outside: boolean }>}
 */
export const MATRIX = {
  shared: { layers: ['shared'], electron: false, node: false, packages: ['zod'], outside: false },
  engine: {
    layers: ['shared', 'engine'],
    electron: false,
    node: true,
    packages: [
      'zod',
      'better-sqlite3',
      'eventsource',
      'prom-client',
      'pino',
      // The OTLP export (src/engine/otlp/export*) uses the OpenTelemetry JS SDK's own processor and exporters.
      '@opentelemetry/api',
      '@opentelemetry/resources',
      '@opentelemetry/sdk-trace-base',
      '@opentelemetry/exporter-trace-otlp-proto',
      '@opentelemetry/exporter-trace-otlp-http',
      // The OTLP ingest (src/engine/otlp/ingest-proto.ts) decodes protobuf with the OTel proto definitions.
      'protobufjs'
    ],
    outside: true
  },
  agent: {
    layers: ['shared', 'agent'],
    electron: false,
    node: true,
    packages: ['zod', 'eventsource'],
    outside: true
  },
  services: {
    layers: ['shared', 'engine', 'agent', 'services'],
    electron: false,
    node: true,
    packages: '*',
    outside: true
  },
  'electron-main': {
    layers: ['shared', 'services', 'electron-main'],
    electron: true,
    node: true,
    packages: '*',
    outside: true
  },
  preload: {
    layers: ['shared', 'preload'],
    electron: true,
    node: false,
    packages: ['zod'],
    outside: false
  },
  renderer: {
    layers: ['shared', 'renderer'],
    electron: false,
    node: false,
    packages: ['zod', 'react', 'react-dom', 'zustand', 'recharts', '@tanstack/react-virtual'],
    outside: false
  }
}

/** Browser-side packages that never belong in a Node layer (they would drag the DOM into main). */
const UI_PACKAGES = ['react', 'react-dom', 'zustand', 'recharts', '@tanstack/react-virtual']

/** Test runners that tests in any layer may import; tests run under Node, so builtins too. */
const TEST_PACKAGES = [
  'vitest',
  '@playwright/test',
  'playwright-core',
  // A real OpenTelemetry-instrumented agent in the OTLP ingest tests.
  '@opentelemetry/api',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/exporter-trace-otlp-proto',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/resources',
  '@opentelemetry/semantic-conventions'
]
const TEST_FILE = /\.(test|bench|spec)\.tsx?$/
/** Test helpers shipped beside engine code. */
const TEST_SUPPORT = /(^|\/)testing(\.ts|\/)/

const BUILTINS = new Set(builtinModules)

/** @type {Record<Layer, string>} */
const LAYER_FOLDER = {
  shared: 'src/shared',
  engine: 'src/engine',
  agent: 'src/agent',
  services: 'src/main/services',
  'electron-main': 'src/main/electron',
  preload: 'src/preload',
  renderer: 'src/renderer'
}

/**
 * The layer a repo-relative path (forward slashes) belongs to, or null outside the layered tree.
 * @param {string} rel
 * @returns {Layer | null}
 */
export function layerOfPath(rel) {
  if (rel.startsWith('src/shared/')) return 'shared'
  if (rel.startsWith('src/engine/')) return 'engine'
  if (rel.startsWith('src/agent/')) return 'agent'
  if (rel.startsWith('src/main/electron/')) return 'electron-main'
  // Anything else under src/main is Node-side service code: it must not reach for 'electron'.
  if (rel.startsWith('src/main/')) return 'services'
  if (rel.startsWith('src/preload/')) return 'preload'
  if (rel.startsWith('src/renderer/')) return 'renderer'
  return null
}

/** @typedef {'store' | 'domain' | 'module' | 'edge'} EngineTier */

/** Engine tiers, lowest first: a file may import its own tier and those below it. */
export const ENGINE_TIERS = /** @type {const} */ (['store', 'domain', 'module', 'edge'])

/**
 * What sits in each tier below the edge, by the first path segment under src/engine (a folder,
 * or a top-level file without its extension). Everything else is edge: http/, routes/, auth/,
 * testing/, index.ts, module.ts, the CLI.
 * @type {Record<Exclude<EngineTier, 'edge'>, string[]>}
 */
const ENGINE_TIER_MEMBERS = {
  // The store and what it needs: errors without transport, validation issues, the clock; the
  // bounded body reader that both the HTTP edge and the OTLP module use.
  store: ['store', 'errors', 'validation-issues', 'clock', 'version', 'body-bytes'],
  // Domain services over the store, and the one way modules plug into them.
  domain: [
    'audit',
    'governor',
    'identity',
    'lifecycle',
    'telemetry',
    'stream',
    'metrics',
    'services',
    'extensions'
  ],
  // Engine modules' cores (their routes live at the edge).
  module: ['governance', 'otlp']
}

/**
 * The engine tier of a repo-relative path or resolved import target (forward slashes), or null
 * outside src/engine.
 * @param {string} rel
 * @returns {EngineTier | null}
 */
export function engineTierOfPath(rel) {
  if (!rel.startsWith('src/engine/')) return null
  const first = rel
    .slice('src/engine/'.length)
    .split('/')[0]
    .replace(/\.(ts|tsx|js|mjs)$/, '')
  for (const tier of /** @type {Array<Exclude<EngineTier, 'edge'>>} */ ([
    'store',
    'domain',
    'module'
  ])) {
    if (ENGINE_TIER_MEMBERS[tier].includes(first)) return tier
  }
  return 'edge'
}

/**
 * Why a file of engine tier `from` may not import `spec` (resolved from `fromFile`), or null.
 * @param {EngineTier} from
 * @param {string} spec
 * @param {string} fromFile
 * @param {string} cwd
 * @returns {string | null}
 */
export function engineTierViolation(from, spec, fromFile, cwd) {
  const bare = spec.split('?')[0]
  if (!bare.startsWith('.')) return null
  const rel = path
    .relative(cwd, path.resolve(path.dirname(fromFile), bare))
    .split(path.sep)
    .join('/')
  const to = engineTierOfPath(`${rel}/`)
  if (!to) return null
  return ENGINE_TIERS.indexOf(to) > ENGINE_TIERS.indexOf(from) ? `the engine's ${to} tier` : null
}

/** @param {string} spec */
function packageName(spec) {
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/**
 * Classifies an import specifier seen in `fromFile` (absolute) relative to the repo root `cwd`.
 * @param {string} spec
 * @param {string} fromFile
 * @param {string} cwd
 * @returns {{ kind: 'layer', layer: Layer } | { kind: 'outside' } | { kind: 'electron' } | { kind: 'node' } | { kind: 'package', name: string }}
 */
export function classifyImport(spec, fromFile, cwd) {
  const bare = spec.split('?')[0]
  if (bare.startsWith('.') || bare.startsWith('/')) {
    // Vite resolves '/x' against the renderer root; treat it as the importing file's own layer.
    const target = bare.startsWith('/') ? fromFile : path.resolve(path.dirname(fromFile), bare)
    const rel = path.relative(cwd, target).split(path.sep).join('/')
    // The trailing slash lets a directory import ('../shared') match its folder prefix.
    const layer = layerOfPath(`${rel}/`)
    return layer ? { kind: 'layer', layer } : { kind: 'outside' }
  }
  if (bare === 'electron' || bare.startsWith('electron/')) return { kind: 'electron' }
  if (bare.startsWith('node:') || BUILTINS.has(bare) || BUILTINS.has(bare.split('/')[0])) {
    return { kind: 'node' }
  }
  return { kind: 'package', name: packageName(bare) }
}

/**
 * Why `spec` may not be imported from a file of `layer`, or null when it may.
 * @param {Layer} layer
 * @param {ReturnType<typeof classifyImport>} target
 * @param {boolean} isTest
 * @returns {string | null}
 */
export function violation(layer, target, isTest) {
  const rules = MATRIX[layer]
  switch (target.kind) {
    case 'layer':
      return rules.layers.includes(target.layer) ? null : `the ${target.layer} layer`
    case 'outside':
      return rules.outside ? null : 'files outside src/'
    case 'electron':
      return rules.electron ? null : "'electron'"
    case 'node':
      return rules.node || isTest ? null : 'Node builtins'
    case 'package': {
      if (isTest && TEST_PACKAGES.includes(target.name)) return null
      if (target.name === 'electron') return rules.electron ? null : "'electron'"
      const ok =
        rules.packages === '*'
          ? !UI_PACKAGES.includes(target.name)
          : rules.packages.includes(target.name)
      return ok ? null : `the npm package '${target.name}'`
    }
  }
}

/** @param {Layer} layer */
function allowedSummary(layer) {
  const rules = MATRIX[layer]
  const parts = [...rules.layers]
  if (rules.electron) parts.push('electron')
  if (rules.node) parts.push('node:*')
  parts.push(rules.packages === '*' ? 'npm packages (not UI ones)' : rules.packages.join(', '))
  return parts.join(', ')
}

/** @type {import('eslint').Rule.RuleModule} */
const layeringRule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Enforce the one-way import direction between src layers (docs/conventions.md)'
    },
    schema: [],
    messages: {
      forbidden: "{{from}} may not import {{what}} ('{{spec}}'). Allowed: {{allowed}}."
    }
  },
  create(context) {
    const cwd = context.cwd
    const file = context.filename
    const rel = path.relative(cwd, file).split(path.sep).join('/')
    const layer = layerOfPath(rel)
    if (!layer) return {}
    // Test helpers (`testing.ts`, `testing/`) count as tests: they may use the test runner.
    const isTest = TEST_FILE.test(rel) || TEST_SUPPORT.test(rel)
    // Tests and their helpers exercise the engine whole, through its HTTP edge, so the tiers bind
    // the engine's own code only.
    const tier = isTest ? null : engineTierOfPath(rel)

    /** @param {import('estree').Node} node @param {unknown} value */
    function check(node, value) {
      if (typeof value !== 'string') return
      const what = violation(layer, classifyImport(value, file, cwd), isTest)
      if (what) {
        context.report({
          node,
          messageId: 'forbidden',
          data: { from: LAYER_FOLDER[layer], what, spec: value, allowed: allowedSummary(layer) }
        })
        return
      }
      const upward = tier ? engineTierViolation(tier, value, file, cwd) : null
      if (tier && upward) {
        context.report({
          node,
          messageId: 'forbidden',
          data: {
            from: `the engine's ${tier} tier (${rel})`,
            what: upward,
            spec: value,
            allowed: `${ENGINE_TIERS.slice(0, ENGINE_TIERS.indexOf(tier) + 1).join(', ')} (store ← domain ← module ← edge)`
          }
        })
      }
    }

    return {
      ImportDeclaration(node) {
        check(node, node.source.value)
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value)
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value)
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node, node.source.value)
      },
      CallExpression(node) {
        const arg = node.arguments[0]
        if (
          node.callee.type === 'Identifier' &&
          node.callee.name === 'require' &&
          arg?.type === 'Literal'
        ) {
          check(node, arg.value)
        }
      },
      /** `import('x').T` in type positions and `import x = require('x')`. */
      'TSImportType, TSExternalModuleReference'(/** @type {any} */ node) {
        const source = node.argument?.literal ?? node.argument ?? node.expression
        if (source?.type === 'Literal') check(node, source.value)
      }
    }
  }
}

/** The local ESLint plugin, registered as `local` in eslint.config.js. */
export default {
  meta: { name: 'eslint-plugin-controldeck-local' },
  rules: { layering: layeringRule }
}
