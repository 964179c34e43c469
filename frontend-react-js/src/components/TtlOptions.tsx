import { TTL_OPTIONS } from '../lib/time'

/** The crud lifetimes as `<option>`s (the composer's picker and Settings' default expiry). */
export function TtlOptions() {
  return (
    <>
      {TTL_OPTIONS.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </>
  )
}
