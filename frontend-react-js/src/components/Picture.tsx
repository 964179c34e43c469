import type { MediaItem } from '../api/types'

/** The JPEG sibling of a WebP picture URL (same path, `.jpg`; the query, the crud's expiry, kept). */
export const jpegOf = (url: string): string => url.replace(/\.webp(?=$|[?#])/, '.jpg')

/** A picture as `<picture>`: WebP first, the JPEG as fallback, sized by the API so nothing shifts. */
export function Picture({ m, size, sizes }: { m: MediaItem; size: 'thumbnail' | 'display' | 'both'; sizes?: string }) {
  const [src, width, height] = size === 'display' ? [m.url, m.width, m.height] : [m.thumbnail_url, m.thumbnail_width, m.thumbnail_height]
  const set = (pick: (u: string) => string) => (size === 'both' ? `${pick(m.thumbnail_url)} ${m.thumbnail_width}w, ${pick(m.url)} ${m.width}w` : undefined)
  return (
    <picture>
      <source type="image/webp" srcSet={set((u) => u) ?? src} sizes={sizes} />
      <img src={jpegOf(src)} srcSet={set(jpegOf)} sizes={sizes} width={width} height={height} alt={m.alt} loading="lazy" decoding="async" />
    </picture>
  )
}
