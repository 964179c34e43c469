import { useRef, useState, type FormEvent, type RefObject } from 'react'
import { errorMessage } from '../api/client'
import type { Activity, MediaRef } from '../api/types'
import { canSend } from '../components/CharCounter'
import { useMediaUploads, type MediaUploads } from './useMediaUploads'

export type Draft = { message: string; media?: MediaRef[] }

export type Composer = {
  text: string
  setText: (text: string) => void
  busy: boolean
  error: string | null
  uploads: MediaUploads
  /** Text within `max`, no picture in flight or failed, nothing being sent. */
  ready: boolean
  submit: (event: FormEvent) => Promise<void>
  /** The composer's textarea: focus comes back to it after sending (the disabled button dropped it). */
  textRef: RefObject<HTMLTextAreaElement | null>
}

/**
 * What the crud composer and the reply box share: the text, its pictures, sending once, and the
 * error in words. `send` gets the trimmed message and the ready pictures; on success the draft clears.
 */
export function useComposer(max: number, send: (draft: Draft) => Promise<Activity>, onSent: (activity: Activity) => void): Composer {
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const uploads = useMediaUploads()
  const textRef = useRef<HTMLTextAreaElement>(null)
  const ready = canSend(text, max) && !uploads.block && !busy

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!ready) return
    setBusy(true)
    setError(null)
    try {
      const media = uploads.refs
      const sent = await send({ message: text.trim(), ...(media.length ? { media } : {}) })
      setText('')
      uploads.clear()
      onSent(sent)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
      // Never to <body>: the submit button was disabled under the focus; back to the composer if still shown.
      const focused = document.activeElement
      if (!focused || focused === document.body || (focused as HTMLButtonElement).disabled) textRef.current?.focus()
    }
  }
  return { text, setText, busy, error, uploads, ready, submit, textRef }
}
