/**
 * Nesting limits every ControlDeck part agrees on. One number, so the engine refuses exactly what
 * no console could read instead of each side guessing.
 */

/**
 * Deepest JSON nesting of one stream event that a console reads: the frame's own object
 * (`{id, channel, event_type, timestamp, data}`) counts as level 1, so `data` is level 2 and an
 * audit event's `details` object level 3. Deeper frames are not shown as they are: JSON.stringify,
 * zod, IPC cloning and React rendering all recurse, and a hostile nesting must not reach them.
 */
export const MAX_EVENT_DEPTH = 64

/**
 * Deepest JSON request body the engine (and browser mode) accepts. A body's content reaches an
 * event at most two levels deeper than it sits in the body (`{metadata}` of a transition becomes
 * `data.details.metadata` of its audit event, `{context}` of a decision `data.details.context`),
 * so a body within this limit can only produce events within {@link MAX_EVENT_DEPTH}.
 */
export const MAX_REQUEST_DEPTH = MAX_EVENT_DEPTH - 2

/**
 * Deepest JSON answer the console's backend client parses. The engine's answers wrap what it
 * accepted in a few levels at most (a batch's `results[].body`, a created job's attempt); the
 * margin keeps answers of backends with looser rules readable while a hostile nesting is refused
 * before anything recurses over it.
 */
export const MAX_RESPONSE_DEPTH = MAX_EVENT_DEPTH * 2
