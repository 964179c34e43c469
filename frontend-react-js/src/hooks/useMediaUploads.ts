import { useCallback, useEffect, useReducer, useRef, useState } from 'react'
import { codeMessage, errorMessage } from '../api/client'
import { mediaGrant, mediaStatus } from '../api/activities'
import type { ImageContentType } from '../api/types'
import { useLatest } from './useLatest'
import { MAX_MEDIA, attachmentsBlock, attachmentsReducer, mediaRefs, type Attachment, type AttachmentAction } from '../lib/attachments'
import { MEDIA_MAX_BYTES, imageProblem, pollUntil, uploadPresignedPost } from '../lib/upload'

/** How long a picture may take to be processed before the composer gives up on it. */
export const PROCESSING_TIMEOUT_MS = 30_000

export type MediaUploads = {
  items: Attachment[]
  /** A sentence about files that were not added (wrong type, too large, more than 4). */
  notice: string | null
  add: (files: Iterable<File>) => void
  remove: (key: string) => void
  setAlt: (key: string, alt: string) => void
  /** After posting: forget the pictures (they now belong to the crud). */
  clear: () => void
  /** Why the post must wait (in flight, failed, alt too long), or null. */
  block: string | null
  refs: ReturnType<typeof mediaRefs>
}

let counter = 0

/**
 * The composer's picture uploads: check each file, ask for a grant, POST it to storage with progress,
 * then poll its status until ready or failed (≤ 30 s). Removing a picture or unmounting cancels it.
 */
export function useMediaUploads(): MediaUploads {
  const [items, dispatch] = useReducer(attachmentsReducer, [])
  const [notice, setNotice] = useState<string | null>(null)
  const controllers = useRef(new Map<string, AbortController>())
  const count = useLatest(items.length)

  useEffect(() => {
    const running = controllers.current
    return () => running.forEach((c) => c.abort())
  }, [])
  // Object URLs live as long as their entry.
  const previews = useRef(new Map<string, string>())
  useEffect(() => {
    const keep = new Set(items.map((a) => a.key))
    for (const [key, url] of previews.current) {
      if (!keep.has(key)) {
        URL.revokeObjectURL(url)
        previews.current.delete(key)
      }
    }
  }, [items])

  const add = useCallback((files: Iterable<File>) => {
    const problems: string[] = []
    let room = MAX_MEDIA - count.current
    for (const file of files) {
      const problem = imageProblem(file, MEDIA_MAX_BYTES)
      if (problem) {
        problems.push(`${file.name}: ${problem}`)
        continue
      }
      if (room <= 0) {
        problems.push(`You can add up to ${MAX_MEDIA} pictures.`)
        break
      }
      room -= 1
      const key = `m${++counter}`
      const preview = URL.createObjectURL(file)
      previews.current.set(key, preview)
      const controller = new AbortController()
      controllers.current.set(key, controller)
      dispatch({ type: 'add', key, file, preview })
      void run(key, file, dispatch, controller.signal).finally(() => controllers.current.delete(key))
    }
    setNotice(problems.length ? problems.join(' ') : null)
  }, [count])

  const remove = useCallback((key: string) => {
    controllers.current.get(key)?.abort()
    dispatch({ type: 'remove', key })
    setNotice(null)
  }, [])
  const setAlt = useCallback((key: string, alt: string) => dispatch({ type: 'alt', key, alt }), [])
  const clear = useCallback(() => {
    dispatch({ type: 'clear' })
    setNotice(null)
  }, [])

  return { items, notice, add, remove, setAlt, clear, block: attachmentsBlock(items), refs: mediaRefs(items) }
}

async function run(key: string, file: File, dispatch: (a: AttachmentAction) => void, signal: AbortSignal): Promise<void> {
  try {
    const grant = await mediaGrant(file.type as ImageContentType)
    if (signal.aborted) return
    dispatch({ type: 'granted', key, id: grant.id })
    await uploadPresignedPost(grant, file, (progress) => dispatch({ type: 'progress', key, progress }), { maxBytes: grant.max_bytes ?? MEDIA_MAX_BYTES, signal })
    dispatch({ type: 'processing', key })
    const status = await pollUntil((s) => mediaStatus(grant.id, s), (s) => s.status !== 'processing', {
      timeoutMs: PROCESSING_TIMEOUT_MS,
      timeoutMessage: 'Processing this picture is taking too long. Remove it and try again.',
      signal,
    })
    if (status.status === 'ready') dispatch({ type: 'ready', key })
    else dispatch({ type: 'failed', key, error: codeMessage(status.reason, status.message ?? 'That image could not be processed.') })
  } catch (error) {
    if (signal.aborted || (error instanceof DOMException && error.name === 'AbortError')) return
    dispatch({ type: 'failed', key, error: errorMessage(error) })
  }
}
