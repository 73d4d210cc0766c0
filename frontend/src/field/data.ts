import { unwrap, type Schemas } from '../api'
import { api, tokens } from '../shared/session'
import { getKv, setKv, type OutboxItem, type VisitOut } from './db'
import { db } from './store'

export type Checklist = Schemas['HouseholdChecklistOut']
export type EventOut = Schemas['EventOut']

/** Read through the network when it answers, else from the copy kept in IndexedDB. */
async function cached<T>(key: string, load: () => Promise<T>): Promise<T | undefined> {
  try {
    const value = await load()
    await setKv(db, key, value)
    return value
  } catch {
    return getKv<T>(db, key)
  }
}

export async function checklistOf(householdId: number): Promise<Checklist | undefined> {
  const found = await cached(`checklist:${householdId}`, () =>
    unwrap(api.GET('/api/v1/households/{household_id}/checklist', { params: { path: { household_id: householdId } } })),
  )
  if (found) return found
  // Never opened online: the scheme's items, with nothing known to be done yet.
  const items = await getKv<string[]>(db, 'checklist-items')
  if (!items?.length) return undefined
  return {
    household_id: householdId,
    period_start: '',
    period_end: '',
    complete: false,
    items: items.map((item) => ({ item, done: false, visit_ids: [] })),
  }
}

export async function visitsOf(householdId: number): Promise<VisitOut[]> {
  try {
    const fresh = await unwrap(
      api.GET('/api/v1/households/{household_id}/visits', { params: { path: { household_id: householdId } } }),
    )
    await db.visits.bulkPut(fresh)
  } catch {
    // offline: what the last pull brought
  }
  const rows = await db.visits.where('household_id').equals(householdId).toArray()
  return rows.sort((a, b) => b.visited_at.localeCompare(a.visited_at))
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

export async function queuedFor(householdId: number): Promise<OutboxItem[]> {
  const items = await db.outbox.where('household_id').equals(householdId).toArray()
  return items.filter((i) => i.status === 'pending' || i.status === 'rejected')
}

/** A policy the household may be entitled to, in whatever shape the endpoint gives it. */
export interface PolicyView {
  name: string
  summary: string
  status: string
  reasons: string[]
}

type Loose = Record<string, unknown>
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '')

function toPolicyView(raw: Loose): PolicyView {
  const policy = (raw.policy && typeof raw.policy === 'object' ? raw.policy : raw) as Loose
  const delivery = (raw.delivery && typeof raw.delivery === 'object' ? raw.delivery : {}) as Loose
  const reasons = Array.isArray(raw.reasons) ? raw.reasons.map(str).filter(Boolean) : []
  return {
    name: str(policy.name) || str(policy.title) || str(policy.code),
    summary: str(policy.summary),
    status: str(raw.eligibility_label) || str(raw.status_label) || str(delivery.status_label) || str(raw.eligibility),
    reasons,
  }
}

/**
 * 可能享受的政策. The endpoint is newer than this client's contract, so it is read loosely and
 * any failure (not there yet, offline, no right to see it) hides the section instead of breaking
 * the page.
 */
export async function policiesOf(householdId: number): Promise<PolicyView[] | null> {
  const key = `policies:${householdId}`
  try {
    // Not in the generated contract yet: the same client (token, refresh), an untyped path.
    const get = api.GET as unknown as (
      path: string,
      init: object,
    ) => Promise<{ data?: unknown; response: Response }>
    const { data, response } = await get('/api/v1/households/{household_id}/policies', {
      params: { path: { household_id: householdId } },
    })
    if (!response.ok) return response.status === 404 ? null : ((await getKv<PolicyView[]>(db, key)) ?? null)
    const body = data
    const list = Array.isArray(body) ? body : ((body as Loose)?.data ?? (body as Loose)?.items)
    if (!Array.isArray(list)) return null
    const views = list.filter((x): x is Loose => !!x && typeof x === 'object').map(toPolicyView)
    await setKv(db, key, views)
    return views
  } catch {
    return (await getKv<PolicyView[]>(db, key)) ?? null
  }
}
