export * from './api'
export * from './define'
export * from './errors'
export * from './ipc'
