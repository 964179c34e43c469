import { CharCounter } from './CharCounter'

type Props = { id: string; label: string; value: string; onChange: (value: string) => void; max: number; rows?: number }

/** A labelled textarea with its character counter (bio, report comment, moderator note). */
export function TextAreaField({ id, label, value, onChange, max, rows = 3 }: Props) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} value={value} rows={rows} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-count`} />
      <CharCounter text={value} max={max} id={`${id}-count`} />
    </div>
  )
}
