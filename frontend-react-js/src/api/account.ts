/** Your account (issue 16): download your data, delete the account. */
import { api } from './client'
import type { AccountDeletion, DataExport } from './types'

export const EXPORT_PATH = '/api/users/me/export'

/** Ask for an export: 202 running; 429 `export_limit` (with `Retry-After`) within a day of the last one. */
export function requestExport(): Promise<DataExport> {
  return api<DataExport>(EXPORT_PATH, { method: 'POST', auth: 'required' })
}

/** The latest export; 404 `export_not_found` when there is none. */
export function latestExport(signal?: AbortSignal): Promise<DataExport> {
  return api<DataExport>(EXPORT_PATH, { auth: 'required', signal })
}

/** Delete the account with a fresh access token (403 `reauth_required` when the sign-in is older than 10 minutes). */
export function deleteAccount(freshToken: string): Promise<AccountDeletion> {
  return api<AccountDeletion>('/api/users/me', { method: 'DELETE', token: freshToken })
}
