import { describe, expect, it } from 'vitest'
import { parseError } from '../api/client'
import codes from './error-codes.json'
import { ERROR_WORDS, errorWords } from './errorWords'

describe('error words', () => {
  // error-codes.json is the services' list (`make openapi`; tests/unit/devstack/test_error_codes.py keeps it fresh)
  it.each(codes)('has words for %s', (code) => {
    const words = ERROR_WORDS[code]?.(undefined)
    expect(words, `no words for the API's code ${code}: add them to src/lib/errorWords.ts`).toBeTruthy()
    if (code.includes('_')) expect(words).not.toContain(code) // a raw code (one word like `blocked` may be a word)
    expect(words).toMatch(/^[A-Z].*[.!?]$/)
    expect(words).not.toMatch(/\.\.$/)
  })

  it('never shows a code or the service’s own text', async () => {
    const body = { error: { code: 'activity_not_found', message: 'No live crud with this uuid.' } }
    const error = await parseError(new Response(JSON.stringify(body), { status: 404 }))
    expect(error.message).toBe('That crud is gone — it may have expired or been deleted.')
    const validation = { error: { code: 'validation_error', message: 'The request is not valid.' } }
    expect((await parseError(new Response(JSON.stringify(validation), { status: 422 }))).message).not.toMatch(/request is not valid/)
    const unknown = { error: { code: 'brand_new_code', message: 'Server words' } }
    expect((await parseError(new Response(JSON.stringify(unknown), { status: 409 }))).message).toBe('That conflicts with something that already exists.')
  })

  it('words a code the SPA does not know by its status, and 5xx as trouble', () => {
    expect(errorWords('brand_new_code', 422)).toBe('Some of what you entered is not valid.')
    expect(errorWords(undefined, 502)).toMatch(/trouble/)
    expect(errorWords('rate_limited', 429, 7)).toBe('Slow down — try again in 7 s.')
    expect(errorWords('message_too_long', 422, undefined, { max: 280, length: 283 })).toBe('That is 3 characters too long (at most 280 characters).')
  })
})
