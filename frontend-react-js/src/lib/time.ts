/** Date helpers built on Intl; no date library needed. */

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Parse an API timestamp; offset-less ISO strings are UTC (as the original API sent them). */
export function parseTime(value: string): number {
  const hasZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(value)
  return Date.parse(hasZone ? value : `${value}Z`)
}

const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' })
const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' })
const shortDateYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric' })
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' })

/** "March 3, 2026 at 4:05 PM" in the reader's locale. */
export function formatFull(value: string): string {
  return fullFormat.format(parseTime(value))
}

/** Compact age: "now", "5m", "3h", "2d", then a short date. */
export function timeAgo(value: string, now: number = Date.now()): string {
  const then = parseTime(value)
  const diff = Math.max(0, now - then)
  if (diff < MINUTE) return 'now'
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)}m`
  if (diff < DAY) return `${Math.floor(diff / HOUR)}h`
  if (diff < 7 * DAY) return `${Math.floor(diff / DAY)}d`
  const sameYear = new Date(then).getFullYear() === new Date(now).getFullYear()
  return (sameYear ? shortDate : shortDateYear).format(then)
}

/** Message list time: time of day today, else a short date. */
export function messageTime(value: string, now: number = Date.now()): string {
  const then = parseTime(value)
  if (now - then < DAY && new Date(then).getDate() === new Date(now).getDate()) return timeOfDay.format(then)
  return timeAgo(value, now)
}

/** Time left until expiry, ticking: "6d 23h", "5h 12m", "12m 05s", "45s"; "expired" at zero. */
export function timeLeft(msLeft: number): string {
  if (msLeft <= 0) return 'expired'
  const s = Math.floor(msLeft / 1000)
  const d = Math.floor(s / 86_400)
  const h = Math.floor((s % 86_400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  if (d > 0) return `${d}d ${h}h`
  if (h > 0) return `${h}h ${m}m`
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`
  return `${sec}s`
}

/** A duration in words, two units at most: "2 days, 3 hours", "less than a minute". */
export function durationWords(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000)
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), 'day'],
    [Math.floor((s % 86_400) / 3600), 'hour'],
    [Math.floor((s % 3600) / 60), 'minute'],
  ]
  const words = parts.filter(([n]) => n > 0).slice(0, 2).map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`)
  return words.length ? words.join(', ') : 'less than a minute'
}

/** A readable phrase for screen readers: "expires in 2 days, 3 hours". */
export function timeLeftLong(msLeft: number): string {
  if (msLeft <= 0) return 'expired'
  return `expires in ${durationWords(msLeft)}`
}

/** How often a countdown with this much time left needs to re-render. */
export function tickFor(msLeft: number): number {
  if (msLeft > DAY) return HOUR / 4
  if (msLeft > HOUR) return MINUTE / 4
  return 1000
}

export const TTL_OPTIONS = [
  { value: '30-days', label: '30 days' },
  { value: '7-days', label: '7 days' },
  { value: '3-days', label: '3 days' },
  { value: '1-day', label: '1 day' },
  { value: '12-hours', label: '12 hours' },
  { value: '3-hours', label: '3 hours' },
  { value: '1-hour', label: '1 hour' },
] as const

export type Ttl = (typeof TTL_OPTIONS)[number]['value']
export const DEFAULT_TTL: Ttl = '7-days'

/** Each preset as milliseconds (cruddur_common.expiry.TTLS). */
export const TTL_MS: Record<Ttl, number> = {
  '30-days': 30 * DAY,
  '7-days': 7 * DAY,
  '3-days': 3 * DAY,
  '1-day': DAY,
  '12-hours': 12 * HOUR,
  '3-hours': 3 * HOUR,
  '1-hour': HOUR,
}
/** No crud ends later than 30 days after it was posted (cruddur_common.expiry.MAX_LIFE). */
export const MAX_LIFE_MS = 30 * DAY

export const ttlLabel = (ttl: string): string => TTL_OPTIONS.find((o) => o.value === ttl)?.label ?? ttl

/** Disappearing-message timers of a conversation (null: off). */
export const MESSAGE_TTL_OPTIONS = [
  { value: null, label: 'Off' },
  { value: '1-hour', label: '1 hour' },
  { value: '1-day', label: '1 day' },
  { value: '7-days', label: '7 days' },
  { value: '30-days', label: '30 days' },
] as const

export type MessageTtl = NonNullable<(typeof MESSAGE_TTL_OPTIONS)[number]['value']>
