import { memo, useLayoutEffect, useRef, useState } from 'react'
import { formatCount } from '../../lib/format/format'
import { useRunOutput } from './useRunOutput'

/** stderr lines are tinted; the console's own notes ("[controldeck] exited with code 0") are muted. */
function lineClass(stream: string, text: string): string {
  if (stream !== 'stderr') return 'line'
  return text.startsWith('[controldeck] ') ? 'line stderr note' : 'line stderr'
}

/** Pixels from the bottom that still count as "at the end" (auto-scroll keeps going). */
const STICK_PX = 24

/**
 * A run's stdout and stderr as plain text (stderr tinted), following new lines while scrolled to
 * the end; scrolling up pauses the following until the end is reached again.
 */
export const OutputPane = memo(function OutputPane({
  runId,
  label
}: {
  runId: string
  label: string
}) {
  const { output, error } = useRunOutput(runId)
  const box = useRef<HTMLDivElement>(null)
  const [follow, setFollow] = useState(true)

  useLayoutEffect(() => {
    const el = box.current
    if (el && follow) el.scrollTop = el.scrollHeight
  }, [output, follow])

  function onScroll() {
    const el = box.current
    if (!el) return
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX
    if (atEnd !== follow) setFollow(atEnd)
  }

  return (
    <div className="run-output-wrap">
      {error && (
        <p className="notice tone-bad" role="alert">
          The output could not be loaded: {error}
        </p>
      )}
      <div
        ref={box}
        className="run-output mono"
        role="log"
        aria-label={`Output of ${label}`}
        aria-live="off"
        tabIndex={0}
        onScroll={onScroll}
        data-testid={`run-output-${runId}`}
        data-lines={output.lines.length}
      >
        {output.hidden > 0 && (
          <div className="muted">
            {formatCount(output.hidden)} earlier line{output.hidden === 1 ? '' : 's'} not kept.
          </div>
        )}
        {output.lines.length === 0 && output.hidden === 0 ? (
          <div className="muted">
            No output yet. Lines the agent prints to stdout and stderr appear here.
          </div>
        ) : (
          output.lines.map((l) => (
            <div key={l.seq} className={lineClass(l.stream, l.text)}>
              {l.text || '\u00a0'}
            </div>
          ))
        )}
      </div>
      {!follow && (
        <button
          type="button"
          className="run-output-follow"
          onClick={() => {
            setFollow(true)
          }}
        >
          Follow new output
        </button>
      )}
    </div>
  )
})
