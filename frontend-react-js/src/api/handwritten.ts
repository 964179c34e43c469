/**
 * Issue 14's API shapes (block, mute, report, moderation), written by hand from the safety contract
 * (§4) while the services that serve them are built on other branches. This is the ONE place with
 * hand-written API types: once the user service's OpenAPI document has them, `npm run gen:api` and
 * replace each name below with an alias in `types.ts` (e.g. `Report = UserSchemas['ReportItem']`),
 * then delete this file. The app imports these names only through `types.ts`.
 */

/** The reader's relation to the person on `GET /api/users/@handle/short`. */
export type RelationFlags = { blocking: boolean; muted: boolean }

/** `GET /api/users/me` gains whether the caller is in the Cognito group `moderators`. */
export type ModeratorFlag = { moderator?: boolean }

/** An item of `GET /api/users/blocks`. */
export type BlockedPerson = { uuid: string; handle: string; display_name: string; avatar_url: string | null; created_at: string }

/** An item of `GET /api/users/mutes` (`until` null: until unmuted). */
export type MutedPerson = BlockedPerson & { until: string | null }

export type MuteDuration = '1-hour' | '1-day' | '7-days' | '30-days' | null

export type ReportCategory = 'spam' | 'harassment' | 'illegal' | 'other'
export type ReportTargetType = 'crud' | 'user' | 'message'

/** The body of `POST /api/reports`. */
export type NewReport = { target: { type: ReportTargetType; id: string }; category: ReportCategory; comment?: string }

/** Report ids are opaque to the SPA: only ever echoed back in a path. */
export type ReportId = string | number

/** `POST /api/reports` → 201 (new) or 200 (the same reporter's open report of that target). */
export type ReportReceipt = { id: ReportId; status: 'open'; created_at: string }

type Who = { uuid: string; handle: string }
type Named = Who & { display_name: string }

/** The activity service's `Crud` (contract §3), as a moderator sees it. */
export type ModeratedCrud = {
  uuid: string
  author: Named
  message: string
  created_at: string
  expires_at: string | null
  reply_to_activity_uuid: string | null
  expired: boolean
  held: boolean
}

/** The messaging service's `Message` (contract §3), as a moderator sees it. */
export type ModeratedMessage = { uuid: string; message_group_uuid: string; sender: Named; message: string; created_at: string }

/** A user target's content: their profile (fields beyond the name may be absent). */
export type ModeratedProfile = Named & { bio?: string | null; avatar_url?: string | null }

export type ModerationAction = 'dismiss' | 'remove' | 'suspend'

export type Resolution = { action: ModerationAction; note: string; moderator: Who; resolved_at: string }

/** An item of `GET /api/moderation/reports`. */
export type Report = {
  id: ReportId
  status: 'open' | 'resolved'
  category: ReportCategory
  comment: string | null
  created_at: string
  reporter: Who
  target: { type: ReportTargetType; id: string; user: Named }
  content: ModeratedCrud | ModeratedMessage | ModeratedProfile | null
  context: ModeratedMessage[]
  resolution: Resolution | null
}

/** The body of `POST /api/moderation/reports/{id}/resolve`. */
export type Resolve = { action: ModerationAction; note: string }

/** An item of `GET /api/moderation/audit`: one moderator action (unsuspend has no report). */
export type AuditEntry = {
  id?: ReportId
  report_id: ReportId | null
  moderator: Who
  action: ModerationAction | 'unsuspend'
  note: string | null
  created_at: string
  /** The account acted on, when the service says. */
  user?: Named | null
}
