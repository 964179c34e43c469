/** Block, mute and report (the user service, issue 14). */
import { api, getPage, type Page } from './client'
import type { BlockedPerson, MuteDuration, MutedPerson, NewReport, ReportReceipt } from './types'

const enc = encodeURIComponent

export const safetyPaths = {
  blocks: '/api/users/blocks',
  mutes: '/api/users/mutes',
}

export function setBlock(handle: string, on: boolean): Promise<void> {
  return api<void>(`/api/users/@${enc(handle)}/block`, { method: on ? 'PUT' : 'DELETE', auth: 'required' })
}

export function mute(handle: string, duration: MuteDuration): Promise<void> {
  return api<void>(`/api/users/@${enc(handle)}/mute`, { method: 'PUT', auth: 'required', body: { duration } })
}

export function unmute(handle: string): Promise<void> {
  return api<void>(`/api/users/@${enc(handle)}/mute`, { method: 'DELETE', auth: 'required' })
}

export function blocksPage(path: string, signal?: AbortSignal): Promise<Page<BlockedPerson>> {
  return getPage<BlockedPerson>(path, { signal, auth: 'required' })
}

export function mutesPage(path: string, signal?: AbortSignal): Promise<Page<MutedPerson>> {
  return getPage<MutedPerson>(path, { signal, auth: 'required' })
}

/** File a report: 201 for a new one, 200 with the reporter's open report of the same target. */
export function report(body: NewReport): Promise<ReportReceipt> {
  return api<ReportReceipt>('/api/reports', { method: 'POST', auth: 'required', body })
}
