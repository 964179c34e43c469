import { afterEach, describe, expect, it, vi } from 'vitest'
import { MEDIA_MAX_BYTES, avatarProblem, imageProblem, pollUntil } from './upload'

const file = (type: string, size: number) => new File([new Uint8Array(size)], 'a', { type })

describe('avatarProblem', () => {
  it('accepts JPEG, PNG and WebP up to 5 MB', () => {
    expect(avatarProblem(file('image/jpeg', 1000))).toBeNull()
    expect(avatarProblem(file('image/png', 5 * 1024 * 1024))).toBeNull()
    expect(avatarProblem(file('image/webp', 10))).toBeNull()
  })

  it('refuses other types, empty and oversized files with a reason', () => {
    expect(avatarProblem(file('image/gif', 10))).toMatch(/JPEG, PNG or WebP/)
    expect(avatarProblem(file('image/png', 6 * 1024 * 1024))).toMatch(/6\.0 MB; the limit is 5 MB/)
    expect(avatarProblem(file('image/png', 0))).toMatch(/empty/)
  })
})

describe('imageProblem for crud pictures', () => {
  it('allows 10 MB and says the same words as the image processor for the rest', () => {
    expect(imageProblem(file('image/png', MEDIA_MAX_BYTES), MEDIA_MAX_BYTES)).toBeNull()
    expect(imageProblem(file('image/png', MEDIA_MAX_BYTES + 1), MEDIA_MAX_BYTES)).toBe('That image is 10.0 MB; the limit is 10 MB.')
    expect(imageProblem(file('image/gif', 10), MEDIA_MAX_BYTES)).toBe('Choose a JPEG, PNG or WebP image.')
    expect(imageProblem(file('image/png', 0), MEDIA_MAX_BYTES)).toBe('That file is empty.')
  })
})

describe('pollUntil', () => {
  afterEach(() => vi.useRealTimers())

  it('backs off from 500 ms to at most 2 s and gives up at the deadline', async () => {
    vi.useFakeTimers()
    const read = vi.fn(async () => 'processing')
    const done = pollUntil(read, (s) => s !== 'processing', { timeoutMs: 30_000, timeoutMessage: 'too slow' })
    const failed = expect(done).rejects.toThrow('too slow')
    await vi.advanceTimersByTimeAsync(500)
    expect(read).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(750)
    expect(read).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(30_000)
    await failed
    // 0.5 + 0.75 + 1.125 + 1.6875 s, then every 2 s: 17 reads in 30 s, never a busy loop.
    expect(read.mock.calls.length).toBeLessThanOrEqual(18)
  })

  it('stops when aborted', async () => {
    const controller = new AbortController()
    const read = vi.fn(async () => 'processing')
    const done = pollUntil(read, () => false, { timeoutMs: 30_000, timeoutMessage: 'x', signal: controller.signal })
    controller.abort()
    await expect(done).rejects.toThrow(/Abort/)
    expect(read).not.toHaveBeenCalled()
  })
})
