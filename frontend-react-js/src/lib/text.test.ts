import { describe, expect, it } from 'vitest'
import lengths from '../test/text-length.json'
import { charCount, handleProblem, safeNext, tokenize } from './text'

describe('text rules', () => {
  it('counts user-perceived characters after trimming, like the API', () => {
    expect(charCount('  hello  ')).toBe(5)
    expect(charCount('💜💜')).toBe(2)
    expect(charCount('é')).toBe(1)
    expect(charCount('👨‍👩‍👧‍👦')).toBe(1)
  })

  // The same file is read by the API's tests (tests/unit/common/test_text_length.py): the two cannot drift.
  it.each(lengths.vectors)('counts $name as the API does', ({ text, length }) => {
    expect(charCount(text)).toBe(length)
  })

  it('validates handles: 3–30 letters, digits, underscore', () => {
    expect(handleProblem('ab')).toMatch(/at least 3/)
    expect(handleProblem('a'.repeat(31))).toMatch(/at most 30/)
    expect(handleProblem('bad-handle')).toMatch(/letters, digits/)
    expect(handleProblem('good_handle_1')).toBeNull()
  })

  it('only allows same-site paths after sign-in', () => {
    expect(safeNext('/messages/abc?x=1')).toBe('/messages/abc?x=1')
    expect(safeNext('//evil.example')).toBe('/')
    expect(safeNext('https://evil.example')).toBe('/')
    expect(safeNext('/\\evil.example')).toBe('/')
    expect(safeNext(null)).toBe('/')
  })

  it('finds hashtags, mentions and links but not emails', () => {
    const tokens = tokenize('hi @worf see #AWS at https://example.com/x. mail a@b.co')
    expect(tokens.filter((t) => t.kind !== 'text').map((t) => `${t.kind}:${t.value}`)).toEqual([
      'mention:@worf',
      'hashtag:#AWS',
      'link:https://example.com/x',
    ])
    expect(tokens.map((t) => t.value).join('')).toBe('hi @worf see #AWS at https://example.com/x. mail a@b.co')
  })
})
