import { describe, expect, it } from 'vitest'
import { avatarProblem } from './upload'

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
