// @ts-check
// Packaging with electron-builder (`npm run dist`; `npm run dist:check` packs offline with a
// stand-in Electron, see scripts/dist-check.mjs). Why electron-builder rather than Electron Forge:
// one declarative config gives every installer the issue asks for (AppImage, deb, dmg, zip, NSIS)
// with protocol registration, asarUnpack, fuses and the update metadata electron-updater reads,
// all without a build-time plugin chain; Forge would need a maker per format plus its own updater.

/** The deep-link scheme (src/main/electron/urls.ts DEEP_LINK_SCHEME), registered by every package. */
export const DEEP_LINK_SCHEME = 'controldeck'

/**
 * Fuses of the packaged Electron binary: no ELECTRON_RUN_AS_NODE, no NODE_OPTIONS, no --inspect,
 * cookies encrypted, the app only from the (integrity-checked) app.asar.
 * @type {import('electron-builder').Configuration['electronFuses']}
 */
export const FUSES = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableCookieEncryption: true,
  onlyLoadAppFromAsar: true,
  enableEmbeddedAsarIntegrityValidation: true
}

/**
 * A build-time update feed (generic provider): written into the package as app-update.yml and
 * beside the installers as latest*.yml. Without it, installs look for a feed at run time only
 * ($CONTROLDECK_UPDATE_URL or update.json in the data folder; src/main/services/updates).
 */
const feedUrl = process.env.CONTROLDECK_UPDATE_URL

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'dev.controldeck.console',
  productName: 'ControlDeck',
  executableName: 'controldeck',
  copyright: 'Copyright © ControlDeck contributors',
  directories: { output: 'dist', buildResources: 'resources' },
  // Only the bundles and package.json; electron-builder adds the production dependencies.
  files: [
    'out/main/**',
    'out/preload/**',
    'out/renderer/**',
    'package.json',
    // The window's icon on Linux and Windows (src/main/electron/window.ts).
    'resources/icon.png',
    // Native build leftovers and sources of the native modules: only their .node files run.
    '!node_modules/better-sqlite3/{deps,src,docs}/**',
    '!node_modules/better-sqlite3/build/deps/**',
    '!node_modules/*/build/Release/{obj,obj.target,.deps}/**',
    '!node_modules/*/build/Release/*.a',
    '!node_modules/better-sqlite3/build/Release/test_extension.node',
    '!node_modules/keytar/src/**'
  ],
  asar: true,
  // Native modules cannot be loaded from inside an asar archive.
  asarUnpack: [
    'node_modules/better-sqlite3/build/Release/*.node',
    'node_modules/keytar/build/Release/*.node'
  ],
  // Rebuilt against the packaged Electron's ABI (needs Electron's headers, fetched by the rebuild).
  npmRebuild: true,
  buildDependenciesFromSource: false,
  // macOS Info.plist URL types and the Linux desktop entry's MimeType=x-scheme-handler/controldeck;
  // Windows: resources/installer.nsh writes the registry keys (NSIS has no protocols option).
  protocols: [{ name: 'ControlDeck link', schemes: [DEEP_LINK_SCHEME] }],
  electronFuses: FUSES,
  publish: feedUrl ? [{ provider: 'generic', url: feedUrl }] : null,
  linux: {
    target: ['AppImage', 'deb'],
    icon: 'resources/icons',
    category: 'Development',
    synopsis: 'Console for governing AI-agent runs',
    maintainer: 'ControlDeck contributors'
  },
  mac: {
    target: [
      { target: 'dmg', arch: ['arm64', 'x64'] },
      { target: 'zip', arch: ['arm64', 'x64'] }
    ],
    icon: 'resources/icons/1024x1024.png',
    category: 'public.app-category.developer-tools',
    hardenedRuntime: true
  },
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: 'resources/icons/256x256.png'
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    include: 'resources/installer.nsh'
  }
}

export default config
