/** The one fetch layer: same-origin JSON, bearer token per request, typed errors, cursor pages. */
import { errorWords } from '../lib/errorWords'

export type ErrorBody = { error?: { code?: string; message?: string; details?: unknown } }

/** An API failure with the service's stable code (or a client-side one for network trouble). */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details?: unknown
  /** Seconds to wait before trying again (from `Retry-After`), when the server said. */
  readonly retryAfter?: number

  constructor({ status, code, message, details, retryAfter }: { status: number; code: string; message: string; details?: unknown; retryAfter?: number }) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
    this.retryAfter = retryAfter
  }

  get isAuth(): boolean {
    return this.status === 401
  }

  get isNotFound(): boolean {
    return this.status === 404
  }
}

type TokenProvider = (options?: { forceRefresh?: boolean }) => Promise<string | null>

let tokenProvider: TokenProvider = async () => null

/** The auth layer registers how to get a fresh access token (awaited on every request). */
export function setTokenProvider(provider: TokenProvider): void {
  tokenProvider = provider
}

export function getAccessToken(options?: { forceRefresh?: boolean }): Promise<string | null> {
  return tokenProvider(options)
}

export type AuthMode = 'required' | 'optional' | 'none'

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  body?: unknown
  auth?: AuthMode
  signal?: AbortSignal
  query?: Record<string, string | number | undefined | null>
  /** Send this access token instead of the session's (a fresh one from re-authentication); never refreshed. */
  token?: string
}

export { codeMessage } from '../lib/errorWords'

/** `Retry-After` as whole seconds (it may be a number of seconds or an HTTP date). */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined
  const value = header.trim()
  if (/^\d+$/.test(value)) return Math.max(1, Number(value))
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - now) / 1000))
}

/** Turn a non-2xx response into an ApiError, reading the `{"error": {...}}` body when there is one. */
export async function parseError(response: Response): Promise<ApiError> {
  let body: ErrorBody | null
  try {
    body = (await response.json()) as ErrorBody
  } catch {
    body = null
  }
  const err = body && typeof body === 'object' && body.error && typeof body.error === 'object' ? body.error : undefined
  const code = err?.code ?? (response.status === 429 ? 'rate_limited' : `http_${response.status}`)
  const retryAfter = retryAfterSeconds(response.headers.get('Retry-After'))
  return new ApiError({
    status: response.status,
    code,
    message: errorWords(code, response.status, retryAfter, err?.details), // the SPA's words, never the service's text
    details: err?.details,
    retryAfter,
  })
}

export function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const qs = params.toString()
  if (!qs) return path
  return `${path}${path.includes('?') ? '&' : '?'}${qs}`
}

async function send(path: string, options: RequestOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'
  if (token) headers.Authorization = `Bearer ${token}`
  try {
    return await fetch(withQuery(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'same-origin',
    })
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    throw new ApiError({ status: 0, code: 'network_error', message: 'Cannot reach Cruddur. Check your connection and try again.' })
  }
}

async function tokenFor(auth: AuthMode, forceRefresh = false): Promise<string | null> {
  if (auth === 'none') return null
  const token = await getAccessToken({ forceRefresh })
  if (!token && auth === 'required') {
    throw new ApiError({ status: 401, code: 'not_authenticated', message: 'Please sign in to do that.' })
  }
  return token
}

/** Send a request and return the raw Response (2xx only). Retries once with a refreshed token on 401. */
export async function apiResponse(path: string, options: RequestOptions = {}): Promise<Response> {
  if (options.token) {
    const response = await send(path, options, options.token)
    if (!response.ok) throw await parseError(response)
    return response
  }
  const auth = options.auth ?? 'optional'
  const token = await tokenFor(auth)
  let response = await send(path, options, token)
  if (response.status === 401 && token) {
    const fresh = await tokenFor(auth, true).catch(() => null)
    if (fresh && fresh !== token) response = await send(path, options, fresh)
  }
  if (!response.ok) throw await parseError(response)
  return response
}

/** Send a request and return its JSON body (undefined for 204). */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiResponse(path, options)
  if (response.status === 204) return undefined as T
  const text = await response.text()
  return (text ? JSON.parse(text) : undefined) as T
}

/** One page of a list plus the URL of the next page (null at the end). */
export type Page<T> = { items: T[]; next: string | null }

/** Read `Link: <url>; rel="next"`. */
export function nextFromLink(header: string | null): string | null {
  if (!header) return null
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part)
    if (match) {
      const url = new URL(match[1], window.location.origin)
      return url.origin === window.location.origin ? `${url.pathname}${url.search}` : null
    }
  }
  return null
}

/** The URL of the page after `path` given the cursor the server returned. */
export function nextFromCursor(path: string, cursor: string | null | undefined): string | null {
  if (!cursor) return null
  const url = new URL(path, window.location.origin)
  url.searchParams.set('cursor', cursor)
  return `${url.pathname}${url.search}`
}

type Envelope<T> = { items?: T[]; next_cursor?: string | null; [key: string]: unknown }

/**
 * Read a page from either shape the services use: `{items, next_cursor}` or a bare array with a
 * `Link` header. `key` picks a list out of a larger object (e.g. `activities` on a profile).
 */
export function toPage<T>(path: string, body: unknown, headers: Headers, key = 'items'): Page<T> {
  const linkNext = nextFromLink(headers.get('Link'))
  if (Array.isArray(body)) return { items: body as T[], next: linkNext }
  const envelope = (body ?? {}) as Envelope<T>
  const list = envelope[key]
  const items = Array.isArray(list) ? (list as T[]) : []
  const cursor = (envelope.next_cursor ?? envelope[`${key}_next_cursor`]) as string | null | undefined
  return { items, next: nextFromCursor(path, cursor) ?? linkNext }
}

/** GET one page of a list endpoint. */
export async function getPage<T>(path: string, options: RequestOptions & { key?: string } = {}): Promise<Page<T>> {
  const url = withQuery(path, options.query)
  const response = await apiResponse(url, { ...options, query: undefined })
  const body: unknown = response.status === 204 ? [] : await response.json()
  return toPage<T>(url, body, response.headers, options.key)
}

/** A user-facing sentence for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message
  if (error instanceof Error && error.message) return error.message
  return 'Something went wrong. Please try again.'
}
