import { useState } from 'react'

const PALETTE = ['#9500ff', '#c03cff', '#6a2bd9', '#d6408f', '#2b8fd9', '#1fa37a', '#e07b24']

function colorFor(seed: string): string {
  let h = 0
  for (const ch of seed) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  return PALETTE[h % PALETTE.length]
}

function initials(name: string, handle: string): string {
  const source = name.trim() || handle
  const words = source.split(/\s+/).filter(Boolean)
  const letters = words.length > 1 ? `${words[0][0]}${words[words.length - 1][0]}` : source.slice(0, 2)
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
