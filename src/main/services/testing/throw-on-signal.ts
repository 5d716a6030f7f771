// Loaded with `node --import` into a child process by last-resort.test.ts: on SIGUSR2 it makes
// the two failures nothing in the process catches, an exception thrown from a timer and a rejected
// promise without a handler, as a faulty listener or request would.
process.on('SIGUSR2', () => {
  setImmediate(() => {
    throw new Error('boom from a timer')
  })
  void Promise.reject(new Error('nobody handles this'))
})
