/** The engine's version, reported by `GET /capabilities` and `--version`. */
export const ENGINE_VERSION = '0.1.0'
