import { useState, type KeyboardEvent } from 'react'
import type { MediaItem } from '../api/types'
import { ChevronLeftIcon, ChevronRightIcon } from './Icons'
import { Picture } from './Picture'
import { Modal } from './Modal'

/**
 * A crud's pictures full size in a dialog (the native dialog's focus trap; Escape and the close button
 * close it, focus returns to the picture that opened it), arrows between pictures, the alt text shown.
 */
export function Lightbox({ media, start, onClose }: { media: MediaItem[]; start: number; onClose: () => void }) {
  const [at, setAt] = useState(start)
  const n = media.length
  const go = (delta: number) => setAt((i) => (i + delta + n) % n)
  const m = media[at]
  const onKeyDown = (event: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1 }
    if (event.key === 'Escape') {
      event.preventDefault()
      onClose()
    } else if (event.key in moves && n > 1) {
      event.preventDefault()
      go(moves[event.key])
    }
  }
  return (
    <Modal title={n > 1 ? `Picture ${at + 1} of ${n}` : 'Picture'} onClose={onClose} className="modal lightbox" onKeyDown={onKeyDown}>
      <figure className="lightbox__figure">
        <div className="lightbox__frame">
          <Picture key={m.url} m={m} size="display" />
        </div>
        <figcaption className="lightbox__alt">{m.alt ? m.alt : <span className="muted">No description was given for this picture.</span>}</figcaption>
      </figure>
      {n > 1 ? (
        <div className="lightbox__nav">
          <button type="button" className="icon-btn" onClick={() => go(-1)} aria-label="Previous picture" data-autofocus>
            <ChevronLeftIcon />
          </button>
          <span aria-hidden="true">
            {at + 1} / {n}
          </span>
          <button type="button" className="icon-btn" onClick={() => go(1)} aria-label="Next picture">
            <ChevronRightIcon />
          </button>
        </div>
      ) : null}
    </Modal>
  )
}
