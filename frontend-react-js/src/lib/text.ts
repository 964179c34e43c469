/**
 * Text rules shared with the API: lengths are counted in user-perceived characters (extended grapheme
 * clusters: a family emoji, a flag, a letter with its accents are one each), after trimming.
 */

export const CRUD_MAX = 280
export const REPLY_MAX = 1024
export const MESSAGE_MAX = 1024
export const DISPLAY_NAME_MAX = 50
export const BIO_MAX = 160
export const REPORT_COMMENT_MAX = 1000
export const MODERATION_NOTE_MAX = 1000

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/**
 * User-perceived characters in `text`, trimmed: the API's `cruddur_common.text.text_length` by the same
 * rules (src/test/text-length.json holds both to the same answers). Every counter and form uses this.
 */
export function charCount(text: string): number {
  return Array.from(graphemes.segment(text.trim())).length
}

const HANDLE_RE = /^[A-Za-z0-9_]{3,30}$/

/** Returns an error message, or null when the handle is acceptable. */
export function handleProblem(handle: string): string | null {
  if (!handle) return 'Choose a username.'
  if (handle.length < 3) return 'Usernames have at least 3 characters.'
  if (handle.length > 30) return 'Usernames have at most 30 characters.'
  if (!HANDLE_RE.test(handle)) return 'Use only letters, digits and underscores.'
  return null
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
export function isEmail(value: string): boolean {
  return EMAIL_RE.test(value.trim())
}

/** Only same-site relative paths are allowed as post-sign-in destinations. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/'
  return next
}

/** Split a crud into text, #hashtag, @mention and link tokens for rendering. */
export type Token = { kind: 'text' | 'hashtag' | 'mention' | 'link'; value: string }

const TOKEN_RE = /(#[\p{L}\p{N}_]+|@[A-Za-z0-9_]{3,30}|https?:\/\/[^\s<]+[^\s<.,;:!?)\]'"])/gu

export function tokenize(message: string): Token[] {
  const out: Token[] = []
  let last = 0
  for (const match of message.matchAll(TOKEN_RE)) {
    const start = match.index ?? 0
    const prev = start > 0 ? message[start - 1] : ' '
    if (/[\p{L}\p{N}_]/u.test(prev)) continue
    if (start > last) out.push({ kind: 'text', value: message.slice(last, start) })
    const value = match[0]
    const kind = value.startsWith('#') ? 'hashtag' : value.startsWith('@') ? 'mention' : 'link'
    out.push({ kind, value })
    last = start + value.length
  }
  if (last < message.length) out.push({ kind: 'text', value: message.slice(last) })
  return out
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`
}

export function compactCount(n: number): string {
  if (n < 1000) return String(n)
  return new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(n)
}
