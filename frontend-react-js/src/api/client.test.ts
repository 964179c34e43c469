import { afterEach, describe, expect, it, vi } from 'vitest'
import { json, mockFetch } from '../test/render'
import { ApiError, api, codeMessage, errorMessage, getPage, nextFromLink, retryAfterSeconds, setTokenProvider, toPage } from './client'

afterEach(() => setTokenProvider(async () => null))

describe('api fetch layer', () => {
  it('sends the access token awaited per request as a Bearer header', async () => {
    let n = 0
    setTokenProvider(async () => `token-${++n}`)
    const { calls } = mockFetch({ 'GET /api/users/me': () => json({ handle: 'me' }) })
    await api('/api/users/me', { auth: 'required' })
    await api('/api/users/me', { auth: 'required' })
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer token-1')
    expect((calls[1].init.headers as Record<string, string>).Authorization).toBe('Bearer token-2')
  })

  it('sends no token for public calls and JSON bodies with a content type', async () => {
    setTokenProvider(async () => 'tok')
    const { calls } = mockFetch({ 'POST /api/x': () => json({}, 201), 'GET /api/y': () => json([]) })
    await api('/api/x', { method: 'POST', body: { a: 1 } })
    await api('/api/y', { auth: 'none' })
    expect(calls[0].init.body).toBe('{"a":1}')
    expect((calls[0].init.headers as Record<string, string>)['Content-Type']).toBe('application/json')
    expect((calls[1].init.headers as Record<string, string>).Authorization).toBeUndefined()
  })

  it('refuses a required-auth call without a session, without calling the network', async () => {
    const { fn } = mockFetch({})
    await expect(api('/api/users/me', { auth: 'required' })).rejects.toMatchObject({ status: 401, code: 'not_authenticated' })
    expect(fn).not.toHaveBeenCalled()
  })

  it('parses the JSON error envelope into an ApiError with its stable code', async () => {
    setTokenProvider(async () => 'tok')
    mockFetch({
      'POST /api/activities': () => json({ error: { code: 'message_too_long', message: 'At most 280 characters.', details: { max: 280 } } }, 422),
    })
    const error = await api('/api/activities', { method: 'POST', body: {} }).catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 422, code: 'message_too_long', message: 'That is too long. Shorten it and send it again.', details: { max: 280 } })
  })

  it('falls back to a readable message when the body is not JSON', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>bad gateway</html>', { status: 502 })))
    await expect(api('/api/x')).rejects.toMatchObject({ status: 502, code: 'http_502' })
  })

  it('turns network failures into a network_error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    await expect(api('/api/x')).rejects.toMatchObject({ status: 0, code: 'network_error' })
  })

  it('retries once with a refreshed token on 401 token_expired', async () => {
    const provider = vi.fn(async (o?: { forceRefresh?: boolean }) => (o?.forceRefresh ? 'fresh' : 'stale'))
    setTokenProvider(provider)
    const { calls } = mockFetch({
      'GET /api/users/me': (_u, init) =>
        (init.headers as Record<string, string>).Authorization === 'Bearer fresh'
          ? json({ handle: 'me' })
          : json({ error: { code: 'token_expired', message: 'expired' } }, 401),
    })
    await expect(api('/api/users/me', { auth: 'required' })).resolves.toEqual({ handle: 'me' })
    expect(calls).toHaveLength(2)
    expect(provider).toHaveBeenLastCalledWith({ forceRefresh: true })
  })

  it('sends a given fresh token instead of the session, and never swaps it on 401', async () => {
    const provider = vi.fn(async () => 'session-token')
    setTokenProvider(provider)
    const { calls } = mockFetch({ 'DELETE /api/users/me': () => json({ error: { code: 'account_deleted', message: 'x' } }, 401) })
    const error = await api('/api/users/me', { method: 'DELETE', token: 'fresh' }).catch((e) => e)
    expect(error).toMatchObject({ status: 401, code: 'account_deleted', message: 'This account is being deleted.' })
    expect(calls.map((c) => (c.init.headers as Record<string, string>).Authorization)).toEqual(['Bearer fresh'])
    expect(provider).not.toHaveBeenCalled()
  })

  it('reads pages from an {items, next_cursor} envelope', async () => {
    mockFetch({ 'GET /api/activities/explore': () => json({ items: [{ uuid: '1' }], next_cursor: 'abc' }) })
    const page = await getPage('/api/activities/explore', { query: { limit: 20 } })
    expect(page.items).toEqual([{ uuid: '1' }])
    expect(page.next).toBe('/api/activities/explore?limit=20&cursor=abc')
  })

  it('reads pages from a bare array with a Link header', async () => {
    mockFetch({
      'GET /api/message_groups': () => json([{ uuid: 'g' }], 200, { Link: '</api/message_groups?cursor=xyz>; rel="next"' }),
    })
    const page = await getPage('/api/message_groups')
    expect(page).toEqual({ items: [{ uuid: 'g' }], next: '/api/message_groups?cursor=xyz' })
  })

  it('reads a nested list and reports the end of the list', () => {
    const page = toPage('/api/activities/@x', { profile: {}, activities: [{ uuid: 'a' }], next_cursor: null }, new Headers(), 'activities')
    expect(page).toEqual({ items: [{ uuid: 'a' }], next: null })
  })

  it('ignores Link headers pointing to another origin', () => {
    expect(nextFromLink('<https://evil.example/x?cursor=1>; rel="next"')).toBeNull()
    expect(nextFromLink('</a?cursor=1>; rel="prev", </a?cursor=2>; rel="next"')).toBe('/a?cursor=2')
  })
})

describe('error sentences by code (one table for every page)', () => {
  it('turns 429 rate_limited into "slow down" with the seconds from Retry-After', async () => {
    mockFetch({
      'POST /api/activities': () => json({ error: { code: 'rate_limited', message: 'Too many requests' } }, 429, { 'Retry-After': '12' }),
    })
    const error = await api('/api/activities', { method: 'POST', body: {} }).catch((e) => e)
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 12 })
    expect(errorMessage(error)).toBe('Slow down — try again in 12 s.')
  })

  it('treats a bare 429 (no JSON body, e.g. from the WAF) as rate_limited too', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('Too Many Requests', { status: 429 })))
    const error = await api('/api/x').catch((e) => e)
    expect(error).toMatchObject({ code: 'rate_limited' })
    expect(errorMessage(error)).toBe('Slow down — try again in a moment.')
  })

  it('words blocked and suspended plainly, whatever the service said', async () => {
    mockFetch({
      'PUT /api/activities/a/like': () => json({ error: { code: 'blocked', message: 'Blocked by @worf' } }, 403),
      'POST /api/messages': () => json({ error: { code: 'suspended', message: 'account suspended' } }, 403),
    })
    const blocked = await api('/api/activities/a/like', { method: 'PUT' }).catch((e) => e)
    const suspended = await api('/api/messages', { method: 'POST', body: {} }).catch((e) => e)
    expect(errorMessage(blocked)).toBe('You can’t interact with this account.')
    expect(errorMessage(suspended)).toBe('Your account is suspended, so you can’t do that.')
  })

  it('never shows the service message (issue 18): the SPA words every code', async () => {
    mockFetch({ 'DELETE /api/x': () => json({ error: { code: 'forbidden', message: 'Only the author can delete a crud.' } }, 403) })
    expect(errorMessage(await api('/api/x', { method: 'DELETE' }).catch((e) => e))).toBe('You are not allowed to do that.')
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-05-20T10:00:00Z')
    expect(retryAfterSeconds('30', now)).toBe(30)
    expect(retryAfterSeconds('Wed, 20 May 2026 10:00:45 GMT', now)).toBe(45)
    expect(retryAfterSeconds('soon', now)).toBeUndefined()
    expect(retryAfterSeconds(null, now)).toBeUndefined()
  })

  it.each([
    ['too_many_media', 'A crud or reply can have at most 4 pictures.'],
    ['media_not_found', 'One of the pictures is gone. Remove it and add it again.'],
    ['media_not_ready', 'A picture is still being processed. Wait until it is ready.'],
    ['media_in_use', 'One of the pictures is already on another crud. Add it again.'],
    ['media_duplicate', 'The same picture is attached twice.'],
    ['alt_too_long', 'Alt text can be at most 1,500 characters.'],
    ['ttl_too_long', 'A crud can live at most 30 days from when it was posted.'],
    ['reply_expiry', 'Replies end with their crud.'],
    ['not_author', 'Only the author can change when a crud ends.'],
    ['message_ttl_invalid', 'Pick Off, 1 hour, 1 day, 7 days or 30 days.'],
  ])('words issue 15’s %s itself', async (code, sentence) => {
    mockFetch({ 'POST /api/x': () => json({ error: { code, message: `raw ${code}` } }, 422) })
    expect(errorMessage(await api('/api/x', { method: 'POST', body: {} }).catch((e) => e))).toBe(sentence)
  })

  it('words the image processor’s reasons from the same table, else keeps the service’s words', () => {
    expect(codeMessage('decompression_bomb', 'x')).toBe('That image declares an enormous size and was refused.')
    expect(codeMessage('type_mismatch', 'x')).toMatch(/Choose a JPEG, PNG or WebP image/)
    expect(codeMessage('grant_expired', 'x')).toBe('The upload took too long. Try again.')
    expect(codeMessage('something_new', 'The service said so.')).toBe('The service said so.')
    expect(codeMessage(null, 'fallback')).toBe('fallback')
  })
})
