/** Browser upload of an image to an S3 presigned POST, with progress, and waiting for processing. */
import { codeMessage } from '../api/client'
import { sleep } from './backoff'

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
export type ImageType = (typeof IMAGE_TYPES)[number]
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024
/** A picture on a crud or reply (the media grant's `max_bytes`). */
export const MEDIA_MAX_BYTES = 10 * 1024 * 1024

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

/**
 * A sentence saying why this file cannot be uploaded as an image of at most `maxBytes`, or null when
 * it can: the same words as the image processor's reasons for the same problems.
 */
export function imageProblem(file: File, maxBytes: number): string | null {
  if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) return codeMessage('unsupported_type', 'Choose a JPEG, PNG or WebP image.')
  if (file.size > maxBytes) return `That image is ${megabytes(file.size)}; the limit is ${maxBytes / 1024 / 1024} MB.`
  if (file.size === 0) return codeMessage('empty_file', 'That file is empty.')
  return null
}

export const avatarProblem = (file: File): string | null => imageProblem(file, AVATAR_MAX_BYTES)

export function uploadPresignedPost(
  grant: { url: string; fields: Record<string, string> },
  file: File,
  onProgress: (fraction: number) => void,
  { maxBytes = AVATAR_MAX_BYTES, signal }: { maxBytes?: number; signal?: AbortSignal } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData()
    for (const [key, value] of Object.entries(grant.fields ?? {})) form.append(key, value)
    if (!('Content-Type' in (grant.fields ?? {})) && !('content-type' in (grant.fields ?? {}))) form.append('Content-Type', file.type)
    form.append('file', file) // S3 requires the file to be the last field
    const xhr = new XMLHttpRequest()
    xhr.open('POST', grant.url)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total)
    }
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1)
        resolve()
      } else {
        const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText ?? '')?.[1]
        reject(new Error(code === 'EntityTooLarge' ? `That image is larger than ${maxBytes / 1024 / 1024} MB.` : `The upload was refused (${code ?? xhr.status}).`))
      }
    }
    xhr.onerror = () => reject(new Error('The upload failed. Check your connection and try again.'))
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'))
    signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(form)
  })
}

/**
 * Poll `read` with a bounded backoff (by default 500 ms growing to 2 s) until `settled` says so; after
 * `timeoutMs` throw an Error with `timeoutMessage`. Avatars and crud pictures wait the same way; a
 * data export (minutes, not seconds) starts at 1 s and backs off to 10 s.
 */
export async function pollUntil<T>(
  read: (signal?: AbortSignal) => Promise<T>,
  settled: (value: T) => boolean,
  {
    timeoutMs,
    timeoutMessage,
    signal,
    firstDelayMs = 500,
    maxDelayMs = 2000,
  }: { timeoutMs: number; timeoutMessage: string; signal?: AbortSignal; firstDelayMs?: number; maxDelayMs?: number },
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let delay = firstDelayMs
  while (Date.now() < deadline) {
    await sleep(delay, signal)
    const value = await read(signal)
    if (settled(value)) return value
    delay = Math.min(maxDelayMs, delay * 1.5)
  }
  throw new Error(timeoutMessage)
}
