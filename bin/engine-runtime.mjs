// How the standalone engine's Node process is tuned, shared by its launcher and its benchmark so
// that the benchmark measures what ships. A smaller V8 young generation and fewer glibc malloc
// arenas keep a long-running engine's resident size 20–30 MB lower at no measurable throughput cost
// (bench:engine: 145–166 MB after 1M events without, 112–139 MB with).
export const ENGINE_NODE_FLAGS = ['--max-semi-space-size=4']
export const ENGINE_ENV = { MALLOC_ARENA_MAX: '2' }
