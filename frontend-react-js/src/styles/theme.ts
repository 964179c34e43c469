import { useSyncExternalStore } from 'react'

/** What the reader chose in Settings → Appearance; `system` follows `prefers-color-scheme`. */
export type ThemeChoice = 'system' | 'light' | 'dark'
export type Theme = 'light' | 'dark'

export const THEME_KEY = 'cruddur.theme'
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark']
const listeners = new Set<() => void>()

function systemTheme(): Theme {
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark'
}

/** The remembered choice (anything unreadable or unknown is `system`). */
export function themeChoice(): ThemeChoice {
  try {
    const stored = window.localStorage.getItem(THEME_KEY)
    return CHOICES.includes(stored as ThemeChoice) ? (stored as ThemeChoice) : 'system'
  } catch {
    return 'system' // storage blocked: follow the system
  }
}

export function resolveTheme(choice: ThemeChoice): Theme {
  return choice === 'system' ? systemTheme() : choice
}

function apply() {
  document.documentElement.dataset.theme = resolveTheme(themeChoice())
  listeners.forEach((listener) => listener())
}

/** Remember the reader's choice and apply it at once (other tabs follow through the storage event). */
export function setThemeChoice(choice: ThemeChoice) {
  try {
    if (choice === 'system') window.localStorage.removeItem(THEME_KEY)
    else window.localStorage.setItem(THEME_KEY, choice)
  } catch {
    // storage blocked: the choice lasts for this page only
  }
  apply()
}

/**
 * Set `data-theme` on <html> before the first render (no flash of the other theme) and keep it right when
 * the system's scheme changes or another tab changes the choice. Returns the clean-up.
 */
export function startTheme(): () => void {
  apply()
  const media = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: light)') : null
  const onStorage = (event: StorageEvent) => {
    if (event.key === THEME_KEY || event.key === null) apply()
  }
  media?.addEventListener('change', apply)
  window.addEventListener('storage', onStorage)
  return () => {
    media?.removeEventListener('change', apply)
    window.removeEventListener('storage', onStorage)
  }
}

function subscribe(listener: () => void) {
  listeners.add(listener)
  return () => void listeners.delete(listener)
}

/** The current choice, re-rendering when it changes (here or in another tab). */
export function useThemeChoice(): ThemeChoice {
  return useSyncExternalStore(subscribe, themeChoice, () => 'system')
}
