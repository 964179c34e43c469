import { afterEach, describe, expect, it, vi } from 'vitest'
import { json, mockFetch } from '../test/render'
import { ApiError, api, getPage, nextFromLink, setTokenProvider, toPage } from './client'

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
    expect(error).toMatchObject({ status: 422, code: 'message_too_long', message: 'At most 280 characters.', details: { max: 280 } })
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
