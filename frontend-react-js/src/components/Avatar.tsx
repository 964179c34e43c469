import { useState } from 'react'

const PALETTE = ['#9500ff', '#c03cff', '#6a2bd9', '#d6408f', '#2b8fd9', '#1fa37a', '#e07b24']

function colorFor(seed: string): string {
  let h = 0
  for (const ch of seed) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  return PALETTE[h % PALETTE.length]
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
const first = (word: string) => graphemes.segment(word)[Symbol.iterator]().next().value?.segment ?? ''

/**
 * The letters of a picture-less avatar: from the display name (first and last word: "Andrew Brown" → AB,
 * "Londo" → L), else from the handle (its first letter). Words that start with no letter or digit (an
 * emoji, a dash) are skipped, and a letter is a whole user-perceived character (é, not e + accent).
 */
export function initials(name: string, handle: string): string {
  const words = name.split(/\s+/).filter((w) => /^[\p{L}\p{N}]/u.test(w))
  if (words.length === 0) return first(handle.replace(/^[^\p{L}\p{N}]+/u, '')).toUpperCase()
  const letters = words.length > 1 ? first(words[0]) + first(words[words.length - 1]) : first(words[0])
  return letters.toUpperCase()
}

/** A person's picture, or coloured initials when they have none (or it fails to load). */
export function Avatar({ url, handle, name = '', size = 48 }: { url?: string | null; handle: string; name?: string; size?: number }) {
  const [failed, setFailed] = useState<string | null>(null)
  const style = { width: size, height: size, fontSize: Math.round(size * 0.38) }
  if (url && failed !== url) {
    return (
      <img
        className="avatar"
        src={url}
        alt=""
        width={size}
        height={size}
        style={style}
        loading="lazy"
        decoding="async"
        onError={() => setFailed(url)}
      />
    )
  }
  return (
    <span className="avatar avatar--initials" style={{ ...style, background: colorFor(handle) }} aria-hidden="true">
      {initials(name, handle)}
    </span>
  )
}
