import { useStore } from '../store'

/** Pauses and resumes every live tail; events keep buffering while paused. */
export function LiveToggle() {
  const paused = useStore((s) => s.paused)
  const setPaused = useStore((s) => s.setPaused)
  return (
    <button
      type="button"
      data-testid="live-toggle"
      aria-pressed={paused}
      aria-label={paused ? 'Resume live updates' : 'Pause live updates'}
      onClick={() => setPaused(!paused)}
    >
      {paused ? '▶ Resume live' : '❚❚ Pause live'}
    </button>
  )
}
