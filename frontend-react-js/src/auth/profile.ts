/** Finishing a confirmed sign-in that has no Cruddur profile yet (issue 18 finding 2). */
import { api } from '../api/client'
import type { Me } from '../api/types'

/** Create the caller's profile with the chosen handle (409 `handle_taken` when someone has or holds it). */
export function completeProfile(input: { handle: string; display_name?: string }): Promise<Me> {
  return api<Me>('/api/users/me/profile', { method: 'POST', body: input, auth: 'required' })
}
