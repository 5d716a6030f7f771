#!/usr/bin/env node
// Renders resources/icon.svg into the PNG set the packagers use (resources/icons/NxN.png: Linux
// takes the folder, macOS and Windows take 1024x1024.png and 256x256.png and convert them). Run it
// after changing the SVG and commit the PNGs; packaging itself never renders anything. Uses Debian's
// Chromium through playwright-core (like the e2e tests), so nothing is downloaded.
import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SIZES = [16, 32, 48, 64, 128, 256, 512, 1024]
const svg = readFileSync(path.join(root, 'resources', 'icon.svg'), 'utf8')
const outDir = path.join(root, 'resources', 'icons')
mkdirSync(outDir, { recursive: true })

const browser = await chromium.launch({
  executablePath: process.env.CONTROLDECK_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu']
})
try {
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size } })
    const sized = svg.replace(/width="256" height="256"/, `width="${size}" height="${size}"`)
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${sized}</body></html>`
    )
    await page.screenshot({ path: path.join(outDir, `${size}x${size}.png`), omitBackground: true })
    await page.close()
  }
} finally {
  await browser.close()
}
console.log(`rendered ${SIZES.length} icons into ${path.relative(root, outDir)}/`)
