import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { configureAmplify } from './auth/session'
import { loadConfig } from './lib/config'
import './styles/global.css'
import { startTheme } from './styles/theme'

startTheme() // before the first paint: the page never flashes the other theme

const root = createRoot(document.getElementById('root')!)

async function start() {
  try {
    configureAmplify(await loadConfig())
  } catch (error) {
    root.render(<StartupError error={error} />)
    return
  }
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
}

function StartupError({ error }: { error: unknown }) {
  return (
    <main className="startup-error">
      <h1>Cruddur can’t start</h1>
      <p>We could not load the app’s settings from the server ({error instanceof Error ? error.message : 'unknown error'}).</p>
      <button type="button" className="btn btn--primary" onClick={() => window.location.reload()}>
        Try again
      </button>
    </main>
  )
}

void start()
