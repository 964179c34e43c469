/** The moderators' API (the user service, issue 14): the report queue, actions, the audit log. */
import { api, getPage, withQuery, type Page } from './client'
import type { AuditEntry, Report, ReportId, Resolve } from './types'

const enc = encodeURIComponent

export type QueueStatus = 'open' | 'resolved'

export const moderationPaths = {
  reports: (status: QueueStatus) => withQuery('/api/moderation/reports', { status }),
  audit: '/api/moderation/audit',
}

export function reportsPage(path: string, signal?: AbortSignal): Promise<Page<Report>> {
  return getPage<Report>(path, { signal, auth: 'required' })
}

export function auditPage(path: string, signal?: AbortSignal): Promise<Page<AuditEntry>> {
  return getPage<AuditEntry>(path, { signal, auth: 'required' })
}

export function resolveReport(id: ReportId, body: Resolve): Promise<Report> {
  return api<Report>(`/api/moderation/reports/${enc(id)}/resolve`, { method: 'POST', auth: 'required', body })
}

export function unsuspend(handle: string): Promise<void> {
  return api<void>(`/api/moderation/users/@${enc(handle)}/unsuspend`, { method: 'POST', auth: 'required' })
}
