import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'

/**
 * The dev server injects CSS as <style> elements and reloads over a websocket; relax the
 * index.html CSP for `electron-vite dev` only. Builds keep the strict policy.
 */
function devCspPlugin(): Plugin {
  return {
    name: 'controldeck:dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*")
    }
  }
}

/**
 * Three bundles, one per runtime (see docs/conventions.md):
 * - main: src/main/electron/index.ts → out/main/index.js (ESM). It may pull in src/main/services
 *   and src/engine; only native modules stay external because they must be rebuilt per runtime.
 * - preload: src/preload/index.ts → out/preload/index.cjs. A sandboxed preload can only `require`
 *   Electron's renderer modules, so it is CommonJS and fully bundled (the zod-free contract names inlined).
 * - renderer: src/renderer → out/renderer with base './' so the same files load from file://
 *   (Electron) and from the browser-mode HTTP server.
 */
export default defineConfig({
  main: {
    build: {
      // Bundle our npm dependencies too; native modules cannot be bundled.
      externalizeDeps: false,
      outDir: 'out/main',
      lib: { entry: resolve('src/main/electron/index.ts'), formats: ['es'] },
      rolldownOptions: {
        external: ['better-sqlite3', 'keytar', 'electron', /^electron\/.+/],
        output: { entryFileNames: 'index.js' }
      }
    }
  },
  preload: {
    build: {
      externalizeDeps: false,
      outDir: 'out/preload',
      lib: { entry: resolve('src/preload/index.ts'), formats: ['cjs'] },
      rolldownOptions: {
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: 'index.cjs', codeSplitting: false }
      }
    }
  },
  renderer: {
    root: resolve('src/renderer'),
    base: './',
    plugins: [react(), devCspPlugin()],
    build: {
      outDir: resolve('out/renderer'),
      rolldownOptions: { input: resolve('src/renderer/index.html') }
    }
  }
})
