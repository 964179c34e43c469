import { vi } from 'vitest'

/** A stand-in for XMLHttpRequest (the presigned POST): records each upload and answers as told. */
export class FakeXhr {
  static sent: FakeXhr[] = []
  /** The status the next uploads answer with (204: S3's success). */
  static status = 204
  static responseText = ''
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null }
  status = 0
  responseText = ''
  url = ''
  body: FormData | null = null
  onload: (() => void) | null = null
  onerror: (() => void) | null = null
  onabort: (() => void) | null = null

  open(_method: string, url: string) {
    this.url = url
  }

  send(body: FormData) {
    this.body = body
    FakeXhr.sent.push(this)
    setTimeout(() => {
      this.upload.onprogress?.({ lengthComputable: true, loaded: 1, total: 2 })
      this.status = FakeXhr.status
      this.responseText = FakeXhr.responseText
      this.onload?.()
    }, 0)
  }

  abort() {
    this.onabort?.()
  }

  static install() {
    FakeXhr.sent = []
    FakeXhr.status = 204
    FakeXhr.responseText = ''
    vi.stubGlobal('XMLHttpRequest', FakeXhr)
    let n = 0
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => `blob:preview-${++n}`, revokeObjectURL: () => {} }))
  }
}

export const imageFile = (name = 'cat.png', type = 'image/png', size = 100) => new File([new Uint8Array(size)], name, { type })
