/**
 * The names the app uses for API shapes. Every shape is an alias of the types that
 * `npm run gen:api` generates from the services' OpenAPI documents (src/api/generated/), never a
 * hand-written copy: when a service changes its schema, regenerating makes the compiler point at
 * every place that must follow.
 */
import type { components as ActivityApi } from './generated/activity'
import type { components as MessagingApi } from './generated/messaging'
import type { components as NotificationApi } from './generated/notification'
import type { components as UserApi } from './generated/user'
import type { ModeratorFlag, RelationFlags } from './handwritten'

type ActivitySchemas = ActivityApi['schemas']
type UserSchemas = UserApi['schemas']
type MessagingSchemas = MessagingApi['schemas']
type NotificationSchemas = NotificationApi['schemas']

// activity service
export type Activity = ActivitySchemas['ActivityItem']
export type ActivityList = ActivitySchemas['ActivityPage']
export type CreateActivity = ActivitySchemas['NewActivity']
export type CrudPage = ActivitySchemas['CrudPage']
export type Profile = ActivitySchemas['Profile']
export type UserPage = ActivitySchemas['UserPage']
export type SearchResult = ActivitySchemas['SearchResult']
export type Trend = ActivitySchemas['Trend']
export type LikeState = ActivitySchemas['LikeState']
export type RepostState = ActivitySchemas['RepostState']

// user service
export type UserProfile = UserSchemas['UserProfile']
/** The signed-in person: the user service's profile (only its identity fields until it loads). */
export type Me = Pick<UserProfile, 'uuid' | 'handle' | 'display_name' | 'avatar_url'> & Partial<UserProfile> & ModeratorFlag
export type Person = UserSchemas['ShortUser']
/** The short profile as the signed-in reader gets it: with their block and mute of that person. */
export type ShortProfile = Person & RelationFlags
export type SuggestedUser = UserSchemas['Person']
export type PersonList = UserSchemas['PersonPage']
export type ProfileUpdate = UserSchemas['ProfileUpdate']
export type FollowState = UserSchemas['FollowState']
export type AvatarGrant = UserSchemas['UploadGrant']
export type AvatarStatus = UserSchemas['AvatarStatus']

// messaging service
export type MessageGroup = MessagingSchemas['MessageGroup']
export type Message = MessagingSchemas['Message']
export type CreateMessage = MessagingSchemas['CreateMessage']
export type CreatedMessage = MessagingSchemas['CreatedMessage']

// notification service
export type Notification = NotificationSchemas['Notification']
export type NotificationList = NotificationSchemas['NotificationList']
export type MarkRead = NotificationSchemas['MarkRead']
export type ReadResult = NotificationSchemas['ReadResult']

// user service, issue 14 (hand-written until its OpenAPI document has them: see ./handwritten.ts)
export type {
  AuditEntry,
  BlockedPerson,
  ModeratedCrud,
  ModeratedMessage,
  ModeratedProfile,
  ModerationAction,
  MuteDuration,
  MutedPerson,
  NewReport,
  RelationFlags,
  Report,
  ReportCategory,
  ReportId,
  ReportReceipt,
  ReportTargetType,
  Resolve,
} from './handwritten'

/**
 * The `message` server-sent event. SSE payloads are not part of an OpenAPI response body, so this
 * one is composed from the generated Message type: `{message_group_uuid, message}`.
 */
export type LiveMessageEvent = { message_group_uuid: string; message: Message }
