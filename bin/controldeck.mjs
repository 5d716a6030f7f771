#!/usr/bin/env node
// ControlDeck CLI: environments, traces, tails, audit, serve (browser mode), local agent runs.
import { builtBundle } from './bundle.mjs'

await import(builtBundle('controldeck', 'controldeck.js'))
