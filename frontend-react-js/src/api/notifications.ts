import { api, withQuery } from './client'
import type { MarkRead, NotificationList, ReadResult } from './types'

export function notifications(cursorPath?: string | null, signal?: AbortSignal): Promise<NotificationList> {
  return api<NotificationList>(cursorPath ?? withQuery('/api/notifications', { limit: 20 }), { signal, auth: 'required' })
}

/** Mark everything up to (and including) the notification with this id as read. */
export function markRead(upTo?: MarkRead['up_to']): Promise<ReadResult> {
  return api<ReadResult>('/api/notifications/read', { method: 'POST', auth: 'required', body: upTo === undefined ? {} : { up_to: upTo } })
}

export function streamUrl(token: string, lastEventId?: string | null): string {
  return withQuery('/api/notifications/stream', { access_token: token, last_event_id: lastEventId ?? undefined })
}
