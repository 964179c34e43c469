import { useId } from 'react'
import { setThemeChoice, useThemeChoice, type ThemeChoice } from '../../styles/theme'

const OPTIONS: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'Match the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
]

/** The theme: the system's light or dark preference, or one of them always (remembered on this device). */
export function Appearance() {
  const choice = useThemeChoice()
  const id = useId()
  return (
    <form className="form pad" onSubmit={(e) => e.preventDefault()}>
      <fieldset className="choices">
        <legend className="choices__legend">Theme</legend>
        {OPTIONS.map((o) => (
          <label key={o.value} className="choice">
            <input type="radio" name={`${id}-theme`} checked={choice === o.value} onChange={() => setThemeChoice(o.value)} />
            <span className="choice__label">{o.label}</span>
          </label>
        ))}
      </fieldset>
      <p className="muted small">Kept on this device; it applies at once, in every open tab.</p>
    </form>
  )
}
