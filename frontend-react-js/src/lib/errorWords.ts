/**
 * Words for every stable error code the API can send: the one table the SPA reads (issue 18). A code
 * is never shown raw, and a service's own `message` never reaches the screen: the same situation reads
 * the same on every page (a rate limit is never "something went wrong", a block never names who
 * blocked). `error-codes.json` is the services' list (written by `make openapi` from their source);
 * errorWords.test.ts fails for a code without words here.
 */
import { ALT_MAX } from './attachments'
import { BIO_MAX, DISPLAY_NAME_MAX, MODERATION_NOTE_MAX, REPORT_COMMENT_MAX } from './text'
import { formatFull } from './time'

/** A sentence for a code; `retryAfter` is the server's `Retry-After` in seconds, `details` its details. */
export type Words = (retryAfter: number | undefined, details?: unknown) => string

function detail(details: unknown, key: string): number | undefined {
  const value = details && typeof details === 'object' ? (details as Record<string, unknown>)[key] : undefined
  return typeof value === 'number' ? value : undefined
}

const CHARS = (n: number) => `${n.toLocaleString()} characters`

/**
 * Why a picture cannot be used: the image processor's `reason` codes (avatars and crud pictures share
 * them) and the same words for the checks the SPA makes before uploading.
 */
export const PICTURE_REASONS: Record<string, Words> = {
  unsupported_type: () => 'Choose a JPEG, PNG or WebP image.',
  unsupported_extension: () => 'Choose a JPEG, PNG or WebP image.',
  not_an_image: () => 'That file is not a JPEG, PNG or WebP image.',
  type_mismatch: () => 'That file is not the kind of image its name says. Choose a JPEG, PNG or WebP image.',
  empty_file: () => 'That file is empty.',
  file_too_large: () => 'That image is too large.',
  corrupt_image: () => 'That image file is damaged.',
  truncated_image: () => 'That image file is incomplete.',
  decompression_bomb: () => 'That image declares an enormous size and was refused.',
  too_many_pixels: () => 'That image has too many pixels (at most 40 megapixels).',
  bad_dimensions: () => 'That image is too small, too large or too long and thin.',
  upload_missing: () => 'The upload did not arrive. Try again.',
  grant_expired: () => 'The upload took too long. Try again.',
  processing_failed: () => 'That image could not be processed.',
}

const TRY_LATER = 'Cruddur is having trouble right now. Try again in a moment.'
const SIGN_IN_AGAIN = 'Your session has ended. Sign in again.'

export const ERROR_WORDS: Record<string, Words> = {
  // the platform: any route can answer these
  bad_request: () => 'That request was not understood.',
  invalid_body: () => 'That request was not understood.',
  validation_error: () => 'Some of what you entered is not valid. Check it and send it again.',
  invalid_characters: () => 'Remove the control characters from your text.',
  bidi_control: () => 'Remove the invisible direction-changing characters from your text.',
  invalid_cursor: () => 'This list changed. Reload the page to see it again.',
  not_found: () => 'Not found — it may have expired or been deleted.',
  route_not_found: () => 'Not found — it may have expired or been deleted.',
  method_not_allowed: () => 'That request was not understood.',
  conflict: () => 'That conflicts with something that already exists.',
  forbidden: () => 'You are not allowed to do that.',
  payload_too_large: () => 'That is too large to send.',
  unsupported_media_type: () => 'That request was not understood.',
  http_error: () => 'Something went wrong on our side. Try again.',
  internal_error: () => 'Something went wrong on our side. Try again.',
  rate_limited: (s) => (s ? `Slow down — try again in ${s} s.` : 'Slow down — try again in a moment.'),
  unavailable: () => TRY_LATER,
  service_unavailable: () => TRY_LATER,
  dependency_unavailable: () => TRY_LATER,
  upstream_timeout: () => TRY_LATER,
  conversation_busy: () => 'Many messages are arriving at once. Send yours again.',
  // signing in: tokens the services refuse
  not_authenticated: () => 'Please sign in to do that.',
  authorization_header_invalid: () => SIGN_IN_AGAIN,
  token_algorithm_invalid: () => SIGN_IN_AGAIN,
  token_client_invalid: () => SIGN_IN_AGAIN,
  token_expired: () => SIGN_IN_AGAIN,
  token_issuer_invalid: () => SIGN_IN_AGAIN,
  token_key_unknown: () => SIGN_IN_AGAIN,
  token_malformed: () => SIGN_IN_AGAIN,
  token_not_yet_valid: () => 'Your device’s clock seems to be wrong. Check it and sign in again.',
  token_revoked: () => SIGN_IN_AGAIN,
  token_signature_invalid: () => SIGN_IN_AGAIN,
  token_use_invalid: () => SIGN_IN_AGAIN,
  reauth_required: () => 'For your safety, confirm your password again.',
  // between the services (a page shows these only when something is broken behind it)
  internal_credential_expired: () => TRY_LATER,
  internal_credential_invalid: () => TRY_LATER,
  internal_credential_required: () => TRY_LATER,
  projection_refused: () => TRY_LATER,
  uuid_mismatch: () => TRY_LATER,
  invalid_record: () => 'That message could not be delivered.',
  retries_exhausted: () => 'That message could not be delivered.',
  // people and profiles
  user_not_found: () => 'There is no one with that username.',
  profile_missing: () => 'Your profile is not ready yet. Reload the page in a moment.',
  handle_taken: () => 'That username is taken. Choose another.',
  profile_incomplete: () => 'Your profile isn’t finished yet: choose a username.',
  email_taken: () => 'An account with this email already exists. Sign in instead.',
  invalid_user_attributes: () => 'Your name or username is not valid. Check them and try again.',
  display_name_blank: () => 'Tell us your name.',
  display_name_too_long: () => `A name can be at most ${CHARS(DISPLAY_NAME_MAX)}.`,
  bio_too_long: () => `A bio can be at most ${CHARS(BIO_MAX)}.`,
  cannot_follow_self: () => 'You can’t follow yourself.',
  blocked: () => 'You can’t interact with this account.',
  suspended: () => 'Your account is suspended, so you can’t do that.',
  cannot_block_self: () => 'You can’t block yourself.',
  cannot_mute_self: () => 'You can’t mute yourself.',
  // cruds, replies and search
  activity_not_found: () => 'That crud is gone — it may have expired or been deleted.',
  message_blank: () => 'Write something first.',
  message_too_long: (_, d) => {
    const max = detail(d, 'max')
    const over = max !== undefined ? (detail(d, 'length') ?? max) - max : 0
    return over > 0 ? `That is ${CHARS(over)} too long (at most ${CHARS(max ?? 0)}).` : 'That is too long. Shorten it and send it again.'
  },
  search_term_blank: () => 'Type something to search for.',
  ttl_too_long: () => 'A crud can live at most 30 days from when it was posted.',
  ttl_invalid: () => 'Pick one of the offered lifetimes.',
  reply_expiry: () => 'Replies end with their crud.',
  not_author: () => 'Only the author can change when a crud ends.',
  // pictures on cruds and avatars
  too_many_media: () => 'A crud or reply can have at most 4 pictures.',
  media_not_found: () => 'One of the pictures is gone. Remove it and add it again.',
  media_not_ready: () => 'A picture is still being processed. Wait until it is ready.',
  media_in_use: () => 'One of the pictures is already on another crud. Add it again.',
  media_duplicate: () => 'The same picture is attached twice.',
  alt_too_long: () => `Alt text can be at most ${CHARS(ALT_MAX)}.`,
  upload_grant_not_found: () => 'That upload has expired. Add the picture again.',
  avatar_grant_not_found: () => 'That upload has expired. Choose the picture again.',
  upload_settled: () => 'That picture was already handled. Add it again.',
  avatar_upload_settled: () => 'That picture was already handled. Choose it again.',
  ...PICTURE_REASONS,
  // messages
  message_group_not_found: () => 'That conversation is gone, or you are not in it.',
  cannot_message_self: () => 'You can’t message yourself.',
  recipient_required: () => 'Choose who to message.',
  recipient_deleted: () => 'This account was deleted, so it can’t get messages.',
  message_ttl_invalid: () => 'Pick Off, 1 hour, 1 day, 7 days or 30 days.',
  notification_not_found: () => 'That notification is gone.',
  // reports and moderation
  cannot_report_self: () => 'You can’t report yourself.',
  comment_too_long: () => `A comment can be at most ${CHARS(REPORT_COMMENT_MAX)}.`,
  report_not_found: () => 'That report is gone.',
  already_resolved: () => 'Someone already resolved this report.',
  cannot_suspend_self: () => 'You can’t suspend yourself.',
  note_too_long: () => `A note can be at most ${CHARS(MODERATION_NOTE_MAX)}.`,
  nothing_to_remove: () => 'There is nothing left to remove.',
  hold_conflict: () => 'This report already holds another crud.',
  // your account
  account_deleted: () => 'This account is being deleted.',
  export_limit: (s) => `You can ask for one export a day; next at ${s ? formatFull(new Date(Date.now() + s * 1000).toISOString()) : 'this time tomorrow'}.`,
  export_not_found: () => 'You have not asked for an export yet.',
  export_failed: () => 'Your export could not be made. Ask for it again.',
}

/** Words by HTTP status, for a code this SPA does not know yet (a newer API). */
const STATUS_WORDS: Record<number, string> = {
  400: 'That request was not understood.',
  401: 'Please sign in again.',
  403: 'You are not allowed to do that.',
  404: 'Not found — it may have expired.',
  409: 'That conflicts with something that already exists.',
  413: 'That is too large.',
  422: 'Some of what you entered is not valid.',
  429: 'Slow down — try again in a moment.',
}

/** The sentence for a code, else for the status, else a generic one: never the code or the server's text. */
export function errorWords(code: string | null | undefined, status?: number, retryAfter?: number, details?: unknown): string {
  const words = code ? ERROR_WORDS[code] : undefined
  if (words) return words(retryAfter, details)
  if (status && STATUS_WORDS[status]) return STATUS_WORDS[status]
  return status && status >= 500 ? TRY_LATER : 'Something went wrong. Please try again.'
}

/** The sentence for a stable code (an API error's or an image processor's reason), else `fallback`. */
export function codeMessage(code: string | null | undefined, fallback: string): string {
  return (code && ERROR_WORDS[code]?.(undefined)) || fallback
}
