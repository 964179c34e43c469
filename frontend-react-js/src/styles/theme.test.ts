import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setThemeChoice, startTheme, THEME_KEY, themeChoice } from './theme'

/** A matchMedia whose "prefers light" answer the test can change, with change listeners. */
function fakeMedia(light: boolean) {
  const listeners = new Set<() => void>()
  const media = {
    get matches() {
      return light
    },
    addEventListener: (_: string, fn: () => void) => listeners.add(fn),
    removeEventListener: (_: string, fn: () => void) => listeners.delete(fn),
  }
  vi.stubGlobal('matchMedia', () => media)
  return {
    set(next: boolean) {
      light = next
      listeners.forEach((fn) => fn())
    },
  }
}

const theme = () => document.documentElement.dataset.theme

describe('theme', () => {
  let stop = () => {}
  beforeEach(() => window.localStorage.clear())
  afterEach(() => {
    stop()
    vi.unstubAllGlobals()
  })

  it('follows the system by default, live', () => {
    const system = fakeMedia(true)
    stop = startTheme()
    expect(themeChoice()).toBe('system')
    expect(theme()).toBe('light')
    system.set(false)
    expect(theme()).toBe('dark')
  })

  it('keeps a chosen theme over the system, remembered, and back to the system', () => {
    const system = fakeMedia(false)
    stop = startTheme()
    setThemeChoice('light')
    expect(theme()).toBe('light')
    expect(window.localStorage.getItem(THEME_KEY)).toBe('light')
    system.set(false)
    expect(theme()).toBe('light')
    setThemeChoice('system')
    expect(window.localStorage.getItem(THEME_KEY)).toBeNull()
    expect(theme()).toBe('dark')
  })

  it('ignores a stored value it does not know', () => {
    fakeMedia(false)
    window.localStorage.setItem(THEME_KEY, 'purple')
    stop = startTheme()
    expect(themeChoice()).toBe('system')
    expect(theme()).toBe('dark')
  })

  it('follows another tab’s choice', () => {
    fakeMedia(false)
    stop = startTheme()
    window.localStorage.setItem(THEME_KEY, 'light')
    window.dispatchEvent(new StorageEvent('storage', { key: THEME_KEY, newValue: 'light' }))
    expect(theme()).toBe('light')
  })
})
