import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { api, errorMessage } from './lib/transport/api'
import { boot } from './lib/app/boot'
import { useStore } from './store'
import './styles/theme.css'
import './styles/app.css'

// Start talking to the main side before the first render so data arrives as soon as possible.
try {
  boot(api())
} catch (e) {
  useStore.getState().setBootError(errorMessage(e))
}

const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>
  )
}
