/** Browser upload to an S3 presigned POST, with progress (fetch cannot report upload progress). */

export const AVATAR_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024

/** A sentence saying why this file cannot be an avatar, or null when it can. */
export function avatarProblem(file: File): string | null {
  if (!(AVATAR_TYPES as readonly string[]).includes(file.type)) return 'Choose a JPEG, PNG or WebP image.'
  if (file.size > AVATAR_MAX_BYTES) return `That image is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is 5 MB.`
  if (file.size === 0) return 'That file is empty.'
  return null
}

export function uploadPresignedPost(
  grant: { url: string; fields: Record<string, string> },
  file: File,
  onProgress: (fraction: number) => void,
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
        reject(new Error(code === 'EntityTooLarge' ? 'That image is larger than 5 MB.' : `The upload was refused (${code ?? xhr.status}).`))
      }
    }
    xhr.onerror = () => reject(new Error('The upload failed. Check your connection and try again.'))
    xhr.send(form)
  })
}
