import { api, getPage, type Page } from './client'
import type { CreateMessage, CreatedMessage, Message, MessageGroup, MessageGroupSettings, MessageTtl, UnreadMessages } from './types'

const enc = encodeURIComponent

export function messageGroups(signal?: AbortSignal): Promise<Page<MessageGroup>> {
  return getPage<MessageGroup>('/api/message_groups', { signal, auth: 'required' })
}

/** The conversation with `handle`, or null when there is none yet. */
export async function groupWith(handle: string, signal?: AbortSignal): Promise<MessageGroup | null> {
  try {
    return await api<MessageGroup>(`/api/message_groups/@${enc(handle)}`, { signal, auth: 'required' })
  } catch (error) {
    if (error instanceof Error && 'status' in error && (error as { status: number }).status === 404) return null
    throw error
  }
}

export const messagesPath = (groupUuid: string) => `/api/messages/${enc(groupUuid)}`

export function messagesPage(path: string, signal?: AbortSignal): Promise<Page<Message>> {
  return getPage<Message>(path, { signal, auth: 'required' })
}

export function sendMessage(body: CreateMessage): Promise<CreatedMessage> {
  return api<CreatedMessage>('/api/messages', { method: 'POST', body, auth: 'required' })
}

/** Set or turn off (null) a conversation's message timer; a member only. */
export function setMessageTimer(groupUuid: string, messageTtl: MessageTtl | null): Promise<MessageGroupSettings> {
  return api<MessageGroupSettings>(`/api/message_groups/${enc(groupUuid)}`, { method: 'PUT', body: { message_ttl: messageTtl }, auth: 'required' })
}

/** Unread messages in all my conversations (the Messages badge). */
export function unreadMessages(signal?: AbortSignal): Promise<UnreadMessages> {
  return api<UnreadMessages>('/api/message_groups/unread', { signal, auth: 'required' })
}

/** I have read this conversation; answers what stays unread in the others. */
export function markGroupRead(groupUuid: string): Promise<UnreadMessages> {
  return api<UnreadMessages>(`/api/message_groups/${enc(groupUuid)}/read`, { method: 'POST', auth: 'required' })
}
