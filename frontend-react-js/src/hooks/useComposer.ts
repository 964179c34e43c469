import { useState, type FormEvent } from 'react'
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
    }
  }
  return { text, setText, busy, error, uploads, ready, submit }
}
