// How the standalone engine's Node process is tuned, shared by its launcher and its benchmark so
// that the benchmark measures what ships. A smaller V8 young generation and fewer glibc malloc
// arenas keep a long-running engine's resident size 20–30 MB lower at no measurable throughput cost
// (bench:engine: 145–166 MB after 1M events without, 112–139 MB with).
export const ENGINE_NODE_FLAGS = ['--max-semi-space-size=4']
export const ENGINE_ENV = { MALLOC_ARENA_MAX: '2' }

// The environment variable the launcher hands a `--token` over in (src/engine/token-source.ts
// reads it): a command line is readable by every local user, an environment only by its owner.
export const ARGV_TOKEN_ENV = 'CONTROLDECK_ENGINE_ARGV_TOKEN'

/**
 * Splits `--token T` / `--token=T` off an engine command line: `{ args, token }` with every
 * occurrence removed (the last one wins, as in the engine's parser). A `--token` without a value
 * stays, so that the engine reports it.
 */
export function takeTokenFlag(argv) {
  const args = []
  let token
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      args.push(...argv.slice(i))
      break
    }
    if (a.startsWith('--token=')) token = a.slice('--token='.length)
    else if (a === '--token' && i + 1 < argv.length) token = argv[++i]
    else args.push(a)
  }
  return { args, token }
}
