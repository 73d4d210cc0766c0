import { ApiError, unwrap, type Schemas } from '../api'
import { api, tokens } from '../shared/session'
import type { OutboxItem, VisitOut } from './db'
import { getKv, setKv } from './kv'
import { flags, type FlagKind } from './labels'
import { forgetHousehold, getDb } from './store'

export type Checklist = Schemas['HouseholdChecklistOut']
export type EventOut = Schemas['EventOut']

/** Read through the network when it answers, else from the copy kept in IndexedDB. */
async function cached<T>(key: string, load: () => Promise<T>): Promise<T | undefined> {
  try {
    const value = await load()
    await setKv(await getDb(), key, value)
    return value
  } catch {
    return getKv<T>(await getDb(), key)
  }
}

export async function checklistOf(householdId: number): Promise<Checklist | undefined> {
  const found = await cached(`checklist:${householdId}`, () =>
    unwrap(api.GET('/api/v1/households/{household_id}/checklist', { params: { path: { household_id: householdId } } })),
  )
  if (found) return found
  // Never opened online: the scheme's items, with nothing known to be done yet.
  const items = await getKv<string[]>(await getDb(), 'checklist-items')
  if (!items?.length) return undefined
  return {
    household_id: householdId,
    period_start: '',
    period_end: '',
    complete: false,
    items: items.map((item) => ({ item, done: false, visit_ids: [] })),
  }
}

export type FlagOption = { value: FlagKind; label: string }

/** The 必记 a visit to this household records: the scheme's in force for its level (a county may
 * add its own, 安全隐患 …), as last read online; never read: the four of the 民情日志. */
export async function visitFlagsOf(householdId: number): Promise<FlagOption[]> {
  const found = await cached(`visit-flags:${householdId}`, () =>
    unwrap(
      api.GET('/api/v1/households/{household_id}/visit-flags', { params: { path: { household_id: householdId } } }),
    ),
  )
  return found?.length ? found.map((f) => ({ value: f.code, label: f.label })) : flags()
}

export async function visitsOf(householdId: number): Promise<VisitOut[]> {
  try {
    const fresh = await unwrap(
      api.GET('/api/v1/households/{household_id}/visits', { params: { path: { household_id: householdId } } }),
    )
    await (await getDb()).visits.bulkPut(fresh)
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      await forgetHousehold(householdId)
      return []
    }
    // offline: what the last pull brought
  }
  const rows = await (await getDb()).visits.where('household_id').equals(householdId).toArray()
  return rows.sort((a, b) => b.visited_at.localeCompare(a.visited_at))
}

/** The name of who is logged in (`/auth/me`: their display name, else their member's name), kept
 * on the phone for offline; it leaves with the other local copies at logout. */
export async function myName(): Promise<string | undefined> {
  const me = await cached('me', () => unwrap(api.GET('/api/v1/auth/me')))
  return me?.display_name
}

/** My must-attend tasks (五必到), newest copy kept for offline reading. */
export async function myTasks(): Promise<EventOut[]> {
  const memberId = tokens.get()?.member_id
  if (!memberId) return []
  return (
    (await cached('tasks', () =>
      unwrap(api.GET('/api/v1/members/{member_id}/tasks', { params: { path: { member_id: memberId } } })),
    )) ?? []
  )
}

/** What is not finished on the phone: items waiting or refused, and synced visits with photos
 * still to upload or refused. */
export async function queuedFor(householdId: number): Promise<OutboxItem[]> {
  const db = await getDb()
  const items = await db.outbox.where('household_id').equals(householdId).toArray()
  const open = await visitsWithOpenPhotos()
  return items
    .filter((i) => i.status === 'pending' || i.status === 'rejected' || open.has(i.uuid))
    .sort((a, b) => a.seq - b.seq)
}

/** The uuids of visits with a photo waiting or refused. */
export async function visitsWithOpenPhotos(): Promise<Set<string>> {
  const photos = await (await getDb()).photos.where('status').anyOf('pending', 'rejected').toArray()
  return new Set(photos.map((p) => p.visit_uuid).filter(Boolean))
}

export type Entitlement = Schemas['EntitlementOut']

/**
 * 可能享受的政策 (eligible, or to be checked on the next visit), with the reasons. Any failure
 * (an older server without the endpoint, no right to see it, offline with nothing kept) hides the
 * section instead of breaking the page.
 */
export async function policiesOf(householdId: number): Promise<Entitlement[] | null> {
  const found = await cached(`policies:${householdId}`, () =>
    unwrap(api.GET('/api/v1/households/{household_id}/policies', { params: { path: { household_id: householdId } } })),
  )
  return found ?? null
}

/** Events whose attendance waits in the outbox, so the task list can say so before the sync. */
export async function attendancesQueued(): Promise<Set<number>> {
  const items = await (await getDb()).outbox.where('status').anyOf('pending', 'rejected').toArray()
  return new Set(items.flatMap((i) => (i.kind === 'attendance' ? [i.payload.event_id] : [])))
}

/** When each queued attendance says the member was there, by event: the task list shows it as
 * 到场待同步, late or not, before the sync. */
export async function attendancesQueuedAt(): Promise<Map<number, string>> {
  const items = await (await getDb()).outbox.where('status').anyOf('pending', 'rejected').toArray()
  return new Map(
    items.flatMap((i) => (i.kind === 'attendance' ? [[i.payload.event_id, i.payload.visited_at] as const] : [])),
  )
}
