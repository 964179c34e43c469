import { api, getPage, type Page } from './client'
import type { AvatarGrant, AvatarStatus, Me, Person, Profile, ProfileUpdate, SuggestedUser } from './types'

const enc = encodeURIComponent

export function getMe(signal?: AbortSignal): Promise<Me> {
  return api<Me>('/api/users/me', { signal, auth: 'required' })
}

/** The short profile; signed in, with the reader's `blocking` and `muted` (404 when either blocked the other). */
export function getShort(handle: string, signal?: AbortSignal): Promise<Person> {
  return api<Person>(`/api/users/@${enc(handle)}/short`, { signal })
}

/** Display name and bio; `default_ttl` (issue 15) is where the composer starts (null: the 7-day default). */
export function updateProfile(body: ProfileUpdate): Promise<Profile> {
  return api<Profile>('/api/profile/update', { method: 'PUT', body, auth: 'required' })
}

export function setFollow(handle: string, on: boolean): Promise<unknown> {
  return api(`/api/users/@${enc(handle)}/follow`, { method: on ? 'PUT' : 'DELETE', auth: 'required' })
}

export const followPaths = {
  followers: (handle: string) => `/api/users/@${enc(handle)}/followers`,
  following: (handle: string) => `/api/users/@${enc(handle)}/following`,
}

export function peoplePage(path: string, signal?: AbortSignal): Promise<Page<SuggestedUser>> {
  return getPage<SuggestedUser>(path, { signal })
}

export function suggested(signal?: AbortSignal): Promise<SuggestedUser[]> {
  return getPage<SuggestedUser>('/api/users/suggested', { signal, auth: 'required' }).then((p) => p.items)
}

export function avatarGrant(file: File): Promise<AvatarGrant> {
  return api<AvatarGrant>('/api/profile/avatar', {
    method: 'POST',
    auth: 'required',
    body: { content_type: file.type },
  })
}

export function avatarStatus(signal?: AbortSignal): Promise<AvatarStatus> {
  return api<AvatarStatus>('/api/profile/avatar', { signal, auth: 'required' })
}
