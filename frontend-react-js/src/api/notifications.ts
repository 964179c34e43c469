import { api, withQuery } from './client'
import type { NotificationList } from './types'

export function notifications(cursorPath?: string | null, signal?: AbortSignal): Promise<NotificationList> {
  return api<NotificationList>(cursorPath ?? withQuery('/api/notifications', { limit: 20 }), { signal, auth: 'required' })
}

export function markRead(upTo?: string): Promise<unknown> {
  return api('/api/notifications/read', { method: 'POST', auth: 'required', body: upTo ? { up_to: upTo } : {} })
}

export function streamUrl(token: string, lastEventId?: string | null): string {
  return withQuery('/api/notifications/stream', { access_token: token, last_event_id: lastEventId ?? undefined })
}
