import { reactive } from 'vue'
import { NetworkError, SessionExpired, unwrap, type Schemas } from '../api'
import { api, tokens } from '../shared/session'
import { FieldDb, getKv, setKv, type DueOut, type Household } from './db'
import { syncOutbox, type SyncSummary } from './outbox'

export const db = new FieldDb()

export type Category = Schemas['CategoryOut']

/** A household as the list shows it: the register's row and where it stands in the due list. */
export interface MyHousehold extends Household {
  due: DueOut
}

export const state = reactive({
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  syncing: false,
  pending: 0,
  rejected: 0,
  households: [] as MyHousehold[],
  categories: {} as Record<string, string>,
  cadenceDays: 0,
  loaded: false,
  lastSync: '' as string,
  lastSummary: null as SyncSummary | null,
  message: '',
})

export async function refreshCounts(): Promise<void> {
  state.pending = await db.outbox.where('status').equals('pending').count()
  state.rejected = await db.outbox.where('status').equals('rejected').count()
}

/** My households in the due list's order (never visited and overdue first), from IndexedDB. */
export async function loadHouseholds(): Promise<void> {
  const due = (await getKv<Schemas['DueListOut']>(db, 'due')) ?? { cadence_days: 0, data: [] }
  const rows = await db.households.bulkGet(due.data.map((d) => d.household_id))
  state.households = due.data.flatMap((d, i) => (rows[i] ? [{ ...rows[i], due: d }] : []))
  state.cadenceDays = due.cadence_days
  state.categories = (await getKv<Record<string, string>>(db, 'categories')) ?? {}
  state.loaded = true
}

/** What changed on the server since the last pull: my households, their visits, my due list. */
export async function pull(): Promise<void> {
  const since = await getKv<string>(db, 'cursor')
  const out = await unwrap(api.GET('/api/v1/sync/pull', { params: { query: since ? { since } : {} } }))
  await db.transaction('rw', db.households, db.visits, db.kv, async () => {
    await db.households.bulkPut(out.households)
    await db.visits.bulkPut(out.visits)
    if (out.due) await setKv(db, 'due', out.due)
    await setKv(db, 'cursor', out.cursor)
  })
  if (!Object.keys(state.categories).length) {
    const cats = await api.GET('/api/v1/categories').catch(() => null)
    if (cats?.data) {
      await setKv(db, 'categories', Object.fromEntries(cats.data.map((c) => [c.code, c.label])))
    }
  }
  await loadHouseholds()
  await learnChecklistItems()
}

/** The scheme's checklist items (the same for all my households), so the visit form can offer
 * them offline for a household never opened online. */
async function learnChecklistItems(): Promise<void> {
  const first = state.households[0]
  if (!first || (await getKv<string[]>(db, 'checklist-items'))) return
  const c = await api
    .GET('/api/v1/households/{household_id}/checklist', { params: { path: { household_id: first.id } } })
    .catch(() => null)
  if (c?.data) await setKv(db, 'checklist-items', c.data.items.map((i) => i.item))
}

/** Send the outbox, then pull. Offline or logged out: the queue simply waits for the next try. */
export async function syncNow(): Promise<void> {
  if (state.syncing || !tokens.get()) return
  state.syncing = true
  state.message = ''
  try {
    state.lastSummary = await syncOutbox(db, api)
    await pull()
    state.lastSync = new Date().toISOString()
    state.online = true
  } catch (err) {
    if (err instanceof NetworkError) state.online = false
    else if (!(err instanceof SessionExpired)) state.message = (err as Error).message
  } finally {
    state.syncing = false
    await refreshCounts()
  }
}

/** A different account on this phone starts from an empty cache; the outbox is never cleared. */
export async function forgetOtherUser(username: string): Promise<void> {
  if ((await getKv<string>(db, 'user')) === username) return
  await db.transaction('rw', db.households, db.visits, db.kv, async () => {
    await db.households.clear()
    await db.visits.clear()
    await db.kv.clear()
    await setKv(db, 'user', username)
  })
  state.households = []
  state.loaded = false
}

let started = false

/** Sync when the network comes back, when the app is shown again, and every minute. */
export function startSync(): void {
  if (started) return
  started = true
  window.addEventListener('online', () => {
    state.online = true
    void syncNow()
  })
  window.addEventListener('offline', () => {
    state.online = false
  })
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void syncNow()
  })
  setInterval(() => void syncNow(), 60_000)
  void refreshCounts()
  void loadHouseholds().then(() => syncNow())
}

export function categoryLabel(code: string): string {
  return state.categories[code] ?? code
}
