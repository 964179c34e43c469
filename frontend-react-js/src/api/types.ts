/**
 * API shapes. TEMPORARY: mirrors the agreed contracts until the services' OpenAPI documents land in
 * ../openapi/, then every type here becomes an alias of src/api/generated/<service>.ts.
 */
import type { Ttl } from '../lib/time'

export type Person = { uuid: string; handle: string; display_name: string; avatar_url?: string | null }

export type Activity = {
  uuid: string
  display_name: string
  handle: string
  avatar_url?: string | null
  message: string
  replies_count: number
  reposts_count: number
  likes_count: number
  expires_at: string | null
  created_at: string
  liked?: boolean | null
  reposted?: boolean | null
  reposted_by?: { handle: string; display_name: string } | null
  reply_to_activity_uuid?: string | null
}

export type Profile = Person & {
  bio?: string | null
  cruds_count: number
  followers_count: number
  following_count: number
  followed?: boolean | null
}

export type UserPage = { profile: Profile; activities: Activity[]; next_cursor?: string | null }
export type ActivityPage = { activity: Activity; replies: Activity[]; next_cursor?: string | null }
export type CreateActivity = { message: string; ttl: Ttl }
export type SearchResult = { activities: Activity[]; users: Person[] }
export type Trend = { hashtag: string; count: number }

export type Me = Person & { bio?: string | null; email?: string | null }
export type SuggestedUser = Person & { followed?: boolean | null }
export type AvatarGrant = { url: string; fields: Record<string, string> }
export type AvatarStatus = { status: 'processing' | 'ready' | 'failed' | 'none'; reason?: string | null; avatar_url?: string | null }

export type MessageGroup = Person & { uuid: string; message: string; created_at: string }
export type Message = Person & { uuid: string; message: string; created_at: string; message_group_uuid?: string }
export type CreateMessage = { message: string; message_group_uuid?: string; handle?: string }
export type CreatedMessage = Message & { message_group_uuid: string }

export type NotificationKind = 'reply' | 'mention' | 'like' | 'repost' | 'follow' | 'message'
export type Notification = {
  uuid: string
  kind: NotificationKind
  actor: Person
  activity_uuid?: string | null
  activity_handle?: string | null
  message_group_uuid?: string | null
  preview?: string | null
  read: boolean
  created_at: string
}
export type NotificationList = { items: Notification[]; unread_count: number; next_cursor?: string | null }
