/**
 * A tiny in-app event bus: e.g. the Crud button's composer tells open feeds about a new crud, and a
 * crud whose end was changed updates every list and page that shows it.
 */
import type { Activity } from '../api/types'

type Events = { 'activity:created': Activity; 'activity:changed': Activity }
type Handler<K extends keyof Events> = (payload: Events[K]) => void

const handlers = new Map<keyof Events, Set<Handler<keyof Events>>>()

export function on<K extends keyof Events>(name: K, handler: Handler<K>): () => void {
  const set = handlers.get(name) ?? new Set()
  set.add(handler as Handler<keyof Events>)
  handlers.set(name, set)
  return () => set.delete(handler as Handler<keyof Events>)
}

export function emit<K extends keyof Events>(name: K, payload: Events[K]): void {
  handlers.get(name)?.forEach((h) => h(payload))
}
