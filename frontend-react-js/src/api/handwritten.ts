/**
 * Issue 16's shapes (account deletion and data export), written by hand from ACCOUNT-CONTRACT.md while
 * the user service grows them. `api/types.ts` re-exports them under the names the app uses; once
 * `openapi/user.json` carries them: regenerate, alias the generated schemas in `types.ts` instead,
 * delete this file, and let `tsc` point at whatever differs.
 */

/** `DELETE /api/users/me` → 202 (a repeated call with the same token answers the same). */
export type AccountDeletion = { status: 'deleting'; requested_at: string }

/** `POST /api/users/me/export` → 202, `GET /api/users/me/export` → the latest export. */
export type DataExport = {
  id: string
  status: 'running' | 'ready' | 'failed' | 'expired'
  requested_at: string
  finished_at: string | null
  /** A presigned GET, only when `ready`, valid until `expires_at`. */
  url: string | null
  expires_at: string | null
}
