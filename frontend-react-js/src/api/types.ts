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

type ActivitySchemas = ActivityApi['schemas']
type UserSchemas = UserApi['schemas']
type MessagingSchemas = MessagingApi['schemas']
type NotificationSchemas = NotificationApi['schemas']

// activity service
export type Activity = ActivitySchemas['ActivityItem']
export type ActivityList = ActivitySchemas['ActivityPage']
export type CreateActivity = ActivitySchemas['NewActivity']
export type CreateReply = ActivitySchemas['NewReply']
export type CrudPage = Omit<ActivitySchemas['CrudPage'], 'activity' | 'replies'> & { activity: Activity; replies: Activity[] }
export type Profile = ActivitySchemas['Profile']
export type UserPage = ActivitySchemas['UserPage']
export type SearchResult = ActivitySchemas['SearchResult']
export type Trend = ActivitySchemas['Trend']
export type LikeState = ActivitySchemas['LikeState']
export type RepostState = ActivitySchemas['RepostState']

// user service
export type UserProfile = UserSchemas['UserProfile']
/**
 * The signed-in person: `GET /api/users/me` (with `moderator`). Until it loads the app knows only the
 * identity fields and, from the access token's groups, whether the caller is a moderator.
 */
export type Me = Pick<UserSchemas['Me'], 'uuid' | 'handle' | 'display_name' | 'avatar_url'> & Partial<UserSchemas['Me']>
/** `GET /api/users/@handle/short`: `blocking` and `muted` are the signed-in reader's (null signed out). */
export type Person = UserSchemas['ShortUser']
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
export type UnreadMessages = MessagingSchemas['UnreadMessages']

// notification service
export type Notification = NotificationSchemas['Notification']
export type NotificationList = NotificationSchemas['NotificationList']
export type MarkRead = NotificationSchemas['MarkRead']
export type ReadResult = NotificationSchemas['ReadResult']

// user service, issue 14: block, mute, report, moderation
/** The signed-in reader's relation to a person (the short profile's flags), as the profile menu shows it. */
export type RelationFlags = { [K in 'blocking' | 'muted']: NonNullable<Person[K]> }
export type BlockedPerson = UserSchemas['BlockedUser']
export type MutedPerson = UserSchemas['MutedUser']
export type MuteDuration = UserSchemas['MuteIn']['duration']
export type NewReport = UserSchemas['ReportIn']
export type ReportCategory = NewReport['category']
export type ReportTargetType = UserSchemas['ReportTarget']['type']
export type ReportReceipt = UserSchemas['ReportCreated']
export type ReportId = ReportReceipt['id']
export type Report = UserSchemas['ReportView']
export type ModeratedCrud = UserSchemas['ReportedCrud']
export type ModeratedMessage = UserSchemas['ReportedMessage']
export type ModeratedProfile = UserSchemas['ReportedProfile']
export type Resolve = UserSchemas['ResolveIn']
export type ModerationAction = Resolve['action']
export type AuditEntry = UserSchemas['AuditView']

// activity service, issue 15: pictures and expiry control
export type ImageContentType = ActivitySchemas['MediaUploadRequest']['content_type']
export type MediaGrant = ActivitySchemas['MediaUploadGrant']
export type MediaItem = ActivitySchemas['MediaItem']
export type MediaRef = ActivitySchemas['MediaRef']
export type MediaStatus = ActivitySchemas['MediaStatus']
export type ExpiryChange = ActivitySchemas['ExpiryChange']
// messaging service, issue 15: disappearing messages
export type MessageGroupSettings = MessagingSchemas['MessageGroupSettings']
export type { MessageTtl } from '../lib/time'

/**
 * The `message` server-sent event. SSE payloads are not part of an OpenAPI response body, so this
 * one is composed from the generated Message type: `{message_group_uuid, message}`.
 */
export type LiveMessageEvent = { message_group_uuid: string; message: Message }
/** The `unread` server-sent event (issue 18): the unread notification count now, pushed to every tab. */
export type LiveUnreadEvent = { unread_count: number }
/**
 * The `home` server-sent event (issue 18): a crud entered the reader's home timeline, posted or reposted
 * (`reposter_uuid`) by someone they follow. Never stored; the home page counts it ("N new cruds").
 */
export type LiveHomeEvent = { activity_uuid: string; author_uuid: string; reposter_uuid: string | null; created_at: string }

// user service, issue 16: account deletion and data export
export type AccountDeletion = UserSchemas['DeletionStatus']
export type DataExport = UserSchemas['ExportStatus']
