/**
 * Issue 15's shapes (pictures, expiry control, disappearing messages), written by hand from
 * /work/wt/EPHEMERAL-CONTRACT.md while the services grow them. `api/types.ts` composes these with the
 * generated schemas; the app imports them from there only. Once `openapi/*.json` carry them:
 * regenerate, make each alias in types.ts point at the generated schema, delete this file, and let
 * `tsc` show whatever differs.
 */
import type { MessageTtl, Ttl } from '../lib/time'

export type { MessageTtl }

/** What both image grants accept (cruddur_common.uploads.ContentType). */
export type ImageContentType = 'image/jpeg' | 'image/png' | 'image/webp'

/**
 * A picture on a crud. `url` (display, longest side ≤ 1600) and `thumbnail_url` (≤ 400) are WebP;
 * the JPEG of each is the same URL with `.jpg` for `.webp`. Both stop being served when the crud ends.
 */
export type MediaItem = {
  url: string
  thumbnail_url: string
  width: number
  height: number
  thumbnail_width: number
  thumbnail_height: number
  alt: string
}

/** `POST /api/activities/media` → 201: a presigned POST for one picture (valid 5 minutes). */
export type MediaGrant = { id: string; url: string; fields: Record<string, string>; max_bytes: number; expires_at: string }

/** `GET /api/activities/media/{id}`: where an upload stands. */
export type MediaStatus = {
  id: string
  status: 'processing' | 'ready' | 'failed'
  reason: string | null
  message: string | null
  width: number | null
  height: number | null
}

/** One picture to attach to a new crud or reply. */
export type MediaRef = { id: string; alt: string }

/** Fields issue 15 adds to every crud shape (`ActivityItem`). */
export type ActivityMediaFields = { media: MediaItem[] }
/** Fields issue 15 adds to `NewActivity` and `NewReply`. */
export type NewMediaFields = { media?: MediaRef[] }

/** `PATCH /api/activities/{uuid}`: a new end from now, or "now" (the same as deleting). */
export type ExpiryChange = { ttl: Ttl | 'now' }

/** Fields issue 15 adds to the signed-in person (`Me`) and to `ProfileUpdate`. */
export type DefaultTtlFields = { default_ttl?: Ttl | null }

/** `PUT /api/message_groups/{uuid}` → 200. */
export type MessageGroupSettings = { uuid: string; message_ttl: MessageTtl | null; updated_at: string; updated_by_handle: string }

/** Fields issue 15 adds to `Message` and `CreatedMessage`: timer lines and expiring messages. */
export type MessageExpiryFields = { kind?: 'message' | 'timer'; expires_at?: string | null; message_ttl?: MessageTtl | null }

/** Fields issue 15 adds to a `MessageGroup` list entry (`expires_at` is the preview message's). */
export type MessageGroupExpiryFields = { message_ttl?: MessageTtl | null; expires_at?: string | null }
