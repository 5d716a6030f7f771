import { createElement, useEffect, type ReactElement } from 'react'
import { CommandPalette } from './components/CommandPalette'
import { ConnectionNotice } from './components/ConnectionNotice'
import { Sidebar } from './components/Sidebar'
import { TitleBar } from './components/TitleBar'
import { UpdateBanner } from './components/UpdateBanner'
import { ErrorNotice } from './components/Notices'
import { useRoute, type Route } from './lib/nav/router'
import { PAGE_INFO } from './lib/nav/pages'
import { useStore } from './store'
import { AuditPage } from './pages/audit/AuditPage'
import { BudgetPage } from './pages/budget/BudgetPage'
import { EnvironmentsPage } from './pages/environments/EnvironmentsPage'
import { GovernorPage } from './pages/governor/GovernorPage'
import { LifecyclePage } from './pages/lifecycle/LifecyclePage'
import { OverviewPage } from './pages/overview/OverviewPage'
import { ReflexPage } from './pages/reflex/ReflexPage'
import { RunsPage } from './pages/runs/RunsPage'
import { TracesPage } from './pages/traces/TracesPage'

/** The component of each page; those that read the address take the route. */
const PAGES: Record<Route['page'], (props: { route: Route }) => ReactElement> = {
  overview: OverviewPage,
  traces: TracesPage,
  runs: RunsPage,
  reflex: ReflexPage,
  budget: BudgetPage,
  lifecycle: LifecyclePage,
  audit: AuditPage,
  governor: GovernorPage,
  environments: EnvironmentsPage
}

/** The app frame: title bar, sidebar, the routed page and the command palette. */
export function App() {
  const route = useRoute()
  const production = useStore(
    (s) => s.environments.find((e) => e.id === s.activeEnvironmentId)?.isProduction ?? false
  )
  const envColor = useStore(
    (s) => s.environments.find((e) => e.id === s.activeEnvironmentId)?.color ?? 'grey'
  )
  const bootError = useStore((s) => s.bootError)

  useEffect(() => {
    document.title = `${PAGE_INFO[route.page].label} · ControlDeck`
  }, [route.page])

  return (
    <div
      className={`app${production ? ' production' : ''}`}
      style={{ ['--env-color' as string]: `var(--env-${envColor})` }}
      data-testid="app"
    >
      <TitleBar />
      <Sidebar current={route.page} />
      <div className="content">
        <ConnectionNotice />
        <UpdateBanner />
        {bootError ? (
          <main className="page">
            <ErrorNotice
              message={`The console cannot reach its own service: ${bootError}`}
              onRetry={() => window.location.reload()}
            />
          </main>
        ) : (
          createElement(PAGES[route.page], { route })
        )}
      </div>
      <CommandPalette />
    </div>
  )
}
