/**
 * The composer's pictures as a state machine, one entry per picked file:
 * uploading (progress) → processing → ready | failed (reason in words). Pure, so it is tested alone;
 * `useMediaUploads` drives it.
 */
import type { MediaRef } from '../api/types'
import { charCount } from './text'

export const MAX_MEDIA = 4
export const ALT_MAX = 1500

export type Attachment = {
  key: string
  file: File
  /** An object URL of the file for the preview (revoked when the entry goes). */
  preview: string
  alt: string
  phase: 'uploading' | 'processing' | 'ready' | 'failed'
  progress: number
  /** The media id from the grant. */
  id?: string
  error?: string
}

export type AttachmentAction =
  | { type: 'add'; key: string; file: File; preview: string }
  | { type: 'granted'; key: string; id: string }
  | { type: 'progress'; key: string; progress: number }
  | { type: 'processing'; key: string }
  | { type: 'ready'; key: string }
  | { type: 'failed'; key: string; error: string }
  | { type: 'alt'; key: string; alt: string }
  | { type: 'remove'; key: string }
  | { type: 'clear' }

const IN_FLIGHT: Attachment['phase'][] = ['uploading', 'processing']

export function attachmentsReducer(state: Attachment[], action: AttachmentAction): Attachment[] {
  if (action.type === 'clear') return []
  if (action.type === 'add') {
    if (state.length >= MAX_MEDIA || state.some((a) => a.key === action.key)) return state
    return [...state, { key: action.key, file: action.file, preview: action.preview, alt: '', phase: 'uploading', progress: 0 }]
  }
  if (action.type === 'remove') return state.filter((a) => a.key !== action.key)
  return state.map((a) => (a.key === action.key ? step(a, action) : a))
}

function step(a: Attachment, action: Exclude<AttachmentAction, { type: 'add' | 'remove' | 'clear' }>): Attachment {
  switch (action.type) {
    case 'alt':
      return { ...a, alt: action.alt }
    case 'failed':
      return { ...a, phase: 'failed', error: action.error }
    default:
      // Once settled, a late progress or status report from an abandoned attempt changes nothing.
      if (!IN_FLIGHT.includes(a.phase)) return a
      if (action.type === 'granted') return { ...a, id: action.id }
      if (action.type === 'progress') return a.phase === 'uploading' ? { ...a, progress: action.progress } : a
      if (action.type === 'processing') return { ...a, phase: 'processing', progress: 1 }
      return { ...a, phase: 'ready' }
  }
}

export const inFlight = (items: Attachment[]): boolean => items.some((a) => IN_FLIGHT.includes(a.phase))
export const altTooLong = (a: Attachment): boolean => charCount(a.alt.trim()) > ALT_MAX

/** Why the post cannot be sent yet because of its pictures, or null. */
export function attachmentsBlock(items: Attachment[]): string | null {
  if (inFlight(items)) return 'Wait until the pictures finish uploading.'
  if (items.some((a) => a.phase === 'failed')) return 'Remove the picture that could not be used.'
  if (items.some(altTooLong)) return 'Alt text can be at most 1,500 characters.'
  return null
}

/** What the post sends: `media: [{id, alt}]` in the order the pictures were added. */
export function mediaRefs(items: Attachment[]): MediaRef[] {
  return items.filter((a) => a.phase === 'ready' && a.id).map((a) => ({ id: a.id!, alt: a.alt.trim() }))
}
