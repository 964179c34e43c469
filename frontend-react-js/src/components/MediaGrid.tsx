import { useState } from 'react'
import type { MediaItem } from '../api/types'
import { Lightbox } from './Lightbox'
import { Picture } from './Picture'

/**
 * A crud's pictures in one of four layouts (1: as it is; 2: side by side; 3: one tall and two;
 * 4: a 2×2 grid). A picture opens the lightbox.
 */
export function MediaGrid({ media }: { media: MediaItem[] | undefined }) {
  const [open, setOpen] = useState<number | null>(null)
  if (!media?.length) return null
  const n = Math.min(media.length, 4)
  // A single picture may be shown wide; in a grid a cell is at most half of the card.
  const sizes = n === 1 ? '(max-width: 700px) 100vw, 560px' : '(max-width: 700px) 50vw, 280px'
  return (
    <div className={`media-grid media-grid--${n}`} data-count={n}>
      {media.slice(0, 4).map((m, i) => (
        <button
          key={m.url}
          type="button"
          className="media-grid__cell"
          onClick={() => setOpen(i)}
          aria-label={`Open picture ${i + 1} of ${n}${m.alt ? `: ${m.alt}` : ''}`}
          style={n === 1 ? { aspectRatio: `${m.width} / ${m.height}` } : undefined}
        >
          <Picture m={m} size="both" sizes={sizes} />
        </button>
      ))}
      {open !== null ? <Lightbox media={media.slice(0, 4)} start={open} onClose={() => setOpen(null)} /> : null}
    </div>
  )
}
