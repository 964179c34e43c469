import { api, apiResponse, getPage, toPage, withQuery, type Page } from './client'
import type { Activity, CreateActivity, CreateReply, CrudPage, ExpiryChange, ImageContentType, MediaGrant, MediaStatus, SearchResult, Trend, UserPage } from './types'

const LIMIT = 20
const enc = encodeURIComponent

export const activityPaths = {
  home: '/api/activities/home',
  explore: '/api/activities/explore',
  user: (handle: string) => `/api/activities/@${enc(handle)}`,
  show: (handle: string, uuid: string) => `/api/activities/@${enc(handle)}/status/${enc(uuid)}`,
}

export function feedPage(path: string, signal?: AbortSignal): Promise<Page<Activity>> {
  return getPage<Activity>(path, { signal, query: path.includes('cursor=') ? undefined : { limit: LIMIT } })
}

export function createActivity(body: CreateActivity): Promise<Activity> {
  return api<Activity>('/api/activities', { method: 'POST', body, auth: 'required' })
}

export function replyTo(uuid: string, body: CreateReply): Promise<Activity> {
  return api<Activity>(`/api/activities/${enc(uuid)}/reply`, { method: 'POST', body, auth: 'required' })
}

/** A new end for your crud from now; `"now"` deletes it (then there is no crud to return). */
export function changeExpiry(uuid: string, ttl: ExpiryChange['ttl']): Promise<Activity | undefined> {
  return api<Activity | undefined>(`/api/activities/${enc(uuid)}`, { method: 'PATCH', body: { ttl } satisfies ExpiryChange, auth: 'required' })
}

/** A presigned POST for one picture of a crud or reply. */
export function mediaGrant(contentType: ImageContentType): Promise<MediaGrant> {
  return api<MediaGrant>('/api/activities/media', { method: 'POST', body: { content_type: contentType }, auth: 'required' })
}

export function mediaStatus(id: string, signal?: AbortSignal): Promise<MediaStatus> {
  return api<MediaStatus>(`/api/activities/media/${enc(id)}`, { signal, auth: 'required' })
}

export function deleteActivity(uuid: string): Promise<void> {
  return api<void>(`/api/activities/${enc(uuid)}`, { method: 'DELETE', auth: 'required' })
}

export function setLike(uuid: string, on: boolean): Promise<unknown> {
  return api(`/api/activities/${enc(uuid)}/like`, { method: on ? 'PUT' : 'DELETE', auth: 'required' })
}

export function setRepost(uuid: string, on: boolean): Promise<unknown> {
  return api(`/api/activities/${enc(uuid)}/repost`, { method: on ? 'PUT' : 'DELETE', auth: 'required' })
}

export function getUserPage(handle: string, signal?: AbortSignal): Promise<UserPage> {
  return api<UserPage>(activityPaths.user(handle), { signal, query: { limit: LIMIT } })
}

export function getCrudPage(handle: string, uuid: string, signal?: AbortSignal): Promise<CrudPage> {
  return api<CrudPage>(activityPaths.show(handle, uuid), { signal })
}

export function nestedPage(path: string, key: string, signal?: AbortSignal): Promise<Page<Activity>> {
  return getPage<Activity>(path, { signal, key })
}

export function search(term: string, signal?: AbortSignal): Promise<SearchResult> {
  return api<SearchResult>('/api/activities/search', { signal, query: { term } })
}

export function trending(signal?: AbortSignal): Promise<Trend[]> {
  return api<Trend[]>('/api/activities/trending', { signal })
}

/** A page of a profile's cruds; the first page also carries the profile. */
export async function userActivitiesPage(path: string, signal?: AbortSignal): Promise<Page<Activity> & { profile?: UserPage['profile'] }> {
  const response = await apiResponse(path, { signal })
  const body = (await response.json()) as Partial<UserPage> & Record<string, unknown>
  return { ...toPage<Activity>(path, body, response.headers, 'activities'), profile: body.profile }
}

/** A page of a crud's replies; the first page also carries the crud itself. */
export async function repliesPage(path: string, signal?: AbortSignal): Promise<Page<Activity> & { activity?: Activity }> {
  const response = await apiResponse(path, { signal })
  const body = (await response.json()) as Partial<CrudPage> & Record<string, unknown>
  return { ...toPage<Activity>(path, body, response.headers, 'replies'), activity: body.activity }
}

export const firstPage = (path: string) => withQuery(path, { limit: LIMIT })

/** A page of search results: cruds paginate, people come with the first page. */
export async function searchPage(path: string, signal?: AbortSignal): Promise<Page<Activity> & { users?: SearchResult['users'] }> {
  const response = await apiResponse(path, { signal })
  const body = (await response.json()) as Partial<SearchResult> & Record<string, unknown>
  return { ...toPage<Activity>(path, body, response.headers, 'activities'), users: body.users }
}

export const searchPath = (term: string) => withQuery('/api/activities/search', { term, limit: LIMIT })
