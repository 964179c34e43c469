import { useId, useRef, useState, type DragEvent, type ReactNode } from 'react'
import type { MediaUploads } from '../hooks/useMediaUploads'
import { ALT_MAX, MAX_MEDIA, type Attachment } from '../lib/attachments'
import { IMAGE_TYPES } from '../lib/upload'
import { CharCounter } from './CharCounter'
import { CloseIcon, ImageIcon } from './Icons'

/** The composer's "add pictures" button (a labelled file input). */
export function AddPicturesButton({ uploads, disabled = false }: { uploads: MediaUploads; disabled?: boolean }) {
  const id = useId()
  const input = useRef<HTMLInputElement>(null)
  const full = uploads.items.length >= MAX_MEDIA
  return (
    <>
      <input
        ref={input}
        id={id}
        className="visually-hidden file-input"
        type="file"
        accept={IMAGE_TYPES.join(',')}
        multiple
        disabled={disabled || full}
        onChange={(e) => {
          uploads.add([...(e.target.files ?? [])])
          e.target.value = ''
        }}
      />
      <label htmlFor={id} className={`icon-btn composer__add-media ${disabled || full ? 'is-disabled' : ''}`} title={full ? `Up to ${MAX_MEDIA} pictures` : 'Add pictures'}>
        <ImageIcon size={20} />
        <span className="visually-hidden">Add pictures (up to {MAX_MEDIA}, JPEG, PNG or WebP, 10 MB each)</span>
      </label>
    </>
  )
}

/** A composer that also takes pictures dropped on it. */
export function DropZone({ uploads, children, className }: { uploads: MediaUploads; children: ReactNode; className: string }) {
  const [over, setOver] = useState(false)
  const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files')
  return (
    <div
      className={over ? `${className} is-drop-target` : className}
      onDragOver={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        setOver(true)
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false)
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        setOver(false)
        uploads.add([...(e.dataTransfer.files ?? [])])
      }}
    >
      {children}
    </div>
  )
}

/** The pictures being attached: preview, state, remove, and the alt text the SPA asks for. */
export function AttachmentList({ uploads }: { uploads: MediaUploads }) {
  if (uploads.items.length === 0 && !uploads.notice) return null
  return (
    <div className="attachments">
      {uploads.notice ? (
        <p className="form-error" role="alert">
          {uploads.notice}
        </p>
      ) : null}
      <ul className="attachments__list" aria-label="Pictures to post">
        {uploads.items.map((a, i) => (
          <AttachmentRow key={a.key} a={a} n={i + 1} uploads={uploads} />
        ))}
      </ul>
    </div>
  )
}

function AttachmentRow({ a, n, uploads }: { a: Attachment; n: number; uploads: MediaUploads }) {
  const id = useId()
  return (
    <li className={`attachment attachment--${a.phase}`}>
      <div className="attachment__thumb">
        <img src={a.preview} alt="" />
        <button type="button" className="icon-btn attachment__remove" onClick={() => uploads.remove(a.key)} aria-label={`Remove picture ${n}`}>
          <CloseIcon size={16} />
        </button>
      </div>
      <div className="attachment__side">
        <AttachmentState a={a} />
        <label htmlFor={`${id}-alt`} className="attachment__label">
          Describe picture {n} for people who can’t see it
        </label>
        <textarea
          id={`${id}-alt`}
          className="attachment__alt"
          rows={2}
          value={a.alt}
          placeholder="Alt text: what is in the picture?"
          onChange={(e) => uploads.setAlt(a.key, e.target.value)}
          aria-describedby={`${id}-count`}
        />
        <CharCounter text={a.alt} max={ALT_MAX} id={`${id}-count`} />
      </div>
    </li>
  )
}

function AttachmentState({ a }: { a: Attachment }) {
  if (a.phase === 'uploading')
    return (
      <span className="upload-status" role="status">
        <progress max={1} value={a.progress} aria-label={`Upload progress of ${a.file.name}`} />
        Uploading… {Math.round(a.progress * 100)}%
      </span>
    )
  if (a.phase === 'processing')
    return (
      <span className="upload-status" role="status">
        Processing…
      </span>
    )
  if (a.phase === 'failed')
    return (
      <span className="form-error" role="alert">
        {a.error}
      </span>
    )
  return (
    <span className="upload-status upload-status--ok" role="status">
      Ready
    </span>
  )
}
