import { reactive } from 'vue'
import { isTryLater, NetworkError, SessionExpired, unwrap, type Schemas } from '../api'
import { api, tokens } from '../shared/session'
import type { DueOut, FieldDb, Household } from './db'
import { clearDrafts } from './event-draft'
import { getKv, setKv } from './kv'
import { learnEnums } from './labels'
import { queuedVisitTimes, syncOutbox, type SyncSummary } from './outbox'

let opening: Promise<FieldDb> | null = null

/** IndexedDB through Dexie, loaded on first use: the list can be shown (from the snapshot) before
 * Dexie, a third of the app's first JavaScript, has even been fetched. */
export function getDb(): Promise<FieldDb> {
  opening ??= import('./db').then((m) => new m.FieldDb())
  return opening
}

export type Category = Schemas['CategoryOut']

/** A household as the list shows it: the register's row and where it stands in the due list. */
export interface MyHousehold extends Household {
  due: DueOut
}

const SNAPSHOT = 'lianhu.list'

interface ListSnapshot {
  households: MyHousehold[]
  categories: Record<string, string>
  cadenceDays: number
}

/** The list as last shown, kept in localStorage too: it is read synchronously at start, so the
 * list is on screen before IndexedDB has even opened (a slow phone takes half a second there). */
function readSnapshot(): ListSnapshot | null {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(SNAPSHOT)
    return raw ? (JSON.parse(raw) as ListSnapshot) : null
  } catch {
    return null
  }
}

const snapshot = readSnapshot()

export const state = reactive({
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  syncing: false,
  pending: 0,
  rejected: 0,
  /** Photos waiting to be uploaded, and refused ones (each keeps the server's reason). */
  photosPending: 0,
  photosRejected: 0,
  /** The latest visit waiting in the outbox, by household (its time, as the phone's clock said). */
  queuedVisits: {} as Record<number, string>,
  households: snapshot?.households ?? ([] as MyHousehold[]),
  categories: snapshot?.categories ?? ({} as Record<string, string>),
  cadenceDays: snapshot?.cadenceDays ?? 0,
  loaded: !!snapshot,
  lastSync: '' as string,
  lastSummary: null as SyncSummary | null,
  message: '',
})

export async function refreshCounts(): Promise<void> {
  const db = await getDb()
  state.pending = await db.outbox.where('status').equals('pending').count()
  state.rejected = await db.outbox.where('status').equals('rejected').count()
  state.photosPending = await db.photos.where('status').equals('pending').count()
  state.photosRejected = await db.photos.where('status').equals('rejected').count()
  state.queuedVisits = queuedVisitTimes(await db.outbox.where('status').equals('pending').toArray())
}

/** Upload the photos whose visits are now on the server. The queue's code is loaded only when
 * there is a photo to send. */
async function sendPhotos(db: FieldDb): Promise<void> {
  if (!(await db.photos.where('status').equals('pending').count())) return
  const { uploadPhotos } = await import('./photos')
  await uploadPhotos(db, api)
}

/** Bumped whenever the list is shown, so a slower, older read never replaces a newer list. */
let shown = 0

function show(due: Schemas['DueListOut'], byId: Map<number, Household>, categories: Record<string, string>) {
  state.households = due.data.flatMap((d) => {
    const h = byId.get(d.household_id)
    return h ? [{ ...h, due: d }] : []
  })
  state.cadenceDays = due.cadence_days
  state.categories = categories
  state.loaded = true
  shown += 1
  const snap: ListSnapshot = { households: state.households, categories, cadenceDays: due.cadence_days }
  try {
    localStorage.setItem(SNAPSHOT, JSON.stringify(snap))
  } catch {
    // storage full: the list still comes from IndexedDB
  }
  performance.mark('lianhu:households')
}

/** My households in the due list's order (never visited and overdue first), from IndexedDB. */
export async function loadHouseholds(): Promise<void> {
  const db = await getDb()
  const before = shown
  const due = (await getKv<Schemas['DueListOut']>(db, 'due')) ?? { cadence_days: 0, data: [] }
  const rows = await db.households.bulkGet(due.data.map((d) => d.household_id))
  const categories = (await getKv<Record<string, string>>(db, 'categories')) ?? state.categories
  if (shown !== before) return
  show(due, new Map(rows.flatMap((h) => (h ? [[h.id, h] as const] : []))), categories)
}

/** What changed on the server since the last pull: my households, their visits, my due list. */
/** The first pull index.html started before this code loaded, if it got a good answer. */
async function earlyPull(): Promise<Schemas['PullOut'] | null> {
  const w = window as { __lianhuFirstPull?: Promise<Response> }
  const early = w.__lianhuFirstPull
  delete w.__lianhuFirstPull
  try {
    const res = early ? await early : null
    return res?.ok ? ((await res.json()) as Schemas['PullOut']) : null // a 401 goes the normal way
  } catch {
    return null
  }
}

type PullOut = Schemas['PullOut']

function pullPage(since: string | undefined, next?: PullOut['next']): Promise<PullOut> {
  return unwrap(api.GET('/api/v1/sync/pull', { params: { query: { ...(since ? { since } : {}), ...(next ?? {}) } } }))
}

export async function pull({ full = false } = {}): Promise<void> {
  const db = await getDb()
  const since = full ? undefined : await getKv<string>(db, 'cursor')
  let out = (full ? await earlyPull() : null) ?? (await pullPage(since))
  const due = out.due
  if (!since && due) {
    // A first pull holds every household: show it before storing it.
    show(due, new Map(out.households.map((h) => [h.id, h])), state.categories)
  }
  // Page after page of one pull (a village's year of visits is several); the cursor is stored
  // only once all are, so a pull cut off halfway starts again from the same point.
  for (;;) {
    const page = out
    await db.transaction('rw', db.households, db.visits, db.kv, async () => {
      await db.households.bulkPut(page.households)
      await db.visits.bulkPut(page.visits)
      if (page.due) await setKv(db, 'due', page.due)
      // My open must-attend tasks, whole: the task list reads them offline (data.myTasks).
      if (page.tasks) await setKv(db, 'tasks', page.tasks)
    })
    if (!page.more || !page.next) break
    out = await pullPage(since, page.next)
  }
  await setKv(db, 'cursor', out.cursor)
  if (due && tokens.get()?.role === 'member') {
    // A member sees only their own households: one on the phone that the due list no longer
    // names was given to another member, and leaves the phone.
    const mine = new Set(due.data.map((d) => d.household_id))
    const gone = (await db.households.toCollection().primaryKeys()).filter((id) => !mine.has(id))
    for (const id of gone) await forgetHousehold(id)
  }
  if (!Object.keys(state.categories).length) {
    const cats = await api.GET('/api/v1/categories').catch(() => null)
    if (cats?.data) {
      await setKv(db, 'categories', Object.fromEntries(cats.data.map((c) => [c.code, c.label])))
    }
  }
  void refreshEnums()
  if (since || !due) await loadHouseholds()
  else if (!Object.keys(state.categories).length) await loadHouseholds()
  await learnChecklistItems()
  void learnEventKinds()
}

/** The server no longer shows the caller this household (given to another member, or moved out
 * of their area): the phone forgets it and what it kept of it, since personal data stays only
 * with those who look after it. What waits in the outbox stays and is still sent: the server
 * keeps a visit made before the change, credited to its member and flagged (README, sync rules). */
export async function forgetHousehold(householdId: number): Promise<void> {
  const db = await getDb()
  await db.transaction('rw', [db.households, db.visits, db.kv], async () => {
    await db.households.delete(householdId)
    await db.visits.where('household_id').equals(householdId).delete()
    await db.kv.bulkDelete([`checklist:${householdId}`, `policies:${householdId}`])
  })
  state.households = state.households.filter((h) => h.id !== householdId)
}

let kindsAsked = false

/** The must-attend kinds (五必到) of my households' schemes, once per start of the app, so the
 * report form offers the right ones offline too. Its code is loaded only for this. */
async function learnEventKinds(): Promise<void> {
  if (kindsAsked || !state.households.length) return
  kindsAsked = true
  const [{ eventKindsFor }, db] = await Promise.all([import('./events'), getDb()])
  const orgs = new Set(state.households.map((h) => h.org_id))
  for (const org of orgs) await eventKindsFor(db, org).catch(() => undefined)
}

let enumsAsked = false

/** The server's labels (visit modes, 四个必记, must-attend statuses, relations, account roles),
 * asked once per start of the app and kept for offline use; an older server without some lists
 * keeps ours. */
async function refreshEnums(): Promise<void> {
  if (enumsAsked) return
  enumsAsked = true
  const out = await api.GET('/api/v1/meta/enums').catch(() => null)
  if (out?.data) learnEnums(out.data)
  else enumsAsked = false
}

/** The scheme's checklist items (the same for all my households), so the visit form can offer
 * them offline for a household never opened online. */
async function learnChecklistItems(): Promise<void> {
  const db = await getDb()
  const first = state.households[0]
  if (!first || (await getKv<string[]>(db, 'checklist-items'))) return
  const c = await api
    .GET('/api/v1/households/{household_id}/checklist', { params: { path: { household_id: first.id } } })
    .catch(() => null)
  if (c?.data)
    await setKv(
      db,
      'checklist-items',
      c.data.items.map((i) => i.item),
    )
}

/** Send the outbox, then pull. Offline or logged out: the queue simply waits for the next try. */
export async function syncNow(): Promise<void> {
  if (state.syncing || !tokens.get()) return
  state.syncing = true
  state.message = ''
  try {
    const db = await getDb()
    state.lastSummary = await syncOutbox(db, api)
    await sendPhotos(db)
    await firstPull // then this pull is a small delta, not a second full one competing with it
    await pull()
    state.lastSync = new Date().toISOString()
    state.online = true
  } catch (err) {
    if (err instanceof NetworkError) state.online = false
    else if (isTryLater(err)) {
      state.online = true // the server answered: it is the server that is not ready
      state.message = UNAVAILABLE_SYNC
      retryLater(err.retryAfter)
    } else if (!(err instanceof SessionExpired)) state.message = (err as Error).message
  } finally {
    state.syncing = false
    await refreshCounts()
  }
}

/** What 立即同步 says when there is no network: the queue stays and goes on its own later. */
export const OFFLINE_SYNC = '当前离线，联网后自动同步'

/** What the app says while the server answers 503 (its database restarting): the queue stays
 * as it is and is sent again on its own. */
export const UNAVAILABLE_SYNC = '服务器暂时不可用，稍后自动重试'

let retryTimer: ReturnType<typeof setTimeout> | undefined

/** One more sync after the wait the server asked for (Retry-After), within 5 s to 5 min; the
 * minute's sync goes on meanwhile. */
function retryLater(seconds: number | null): void {
  if (retryTimer !== undefined) return
  const wait = Math.min(Math.max(seconds ?? 30, 5), 300)
  retryTimer = setTimeout(() => {
    retryTimer = undefined
    void syncNow()
  }, wait * 1000)
}

/** 立即同步: tried even when the phone believes it is offline (`navigator.onLine` can be wrong),
 * and the member is told when the network is not there, instead of a button that does nothing.
 * Returns what to tell them, if anything. */
export async function syncOnRequest(): Promise<string | null> {
  await syncNow()
  if (!state.online) return OFFLINE_SYNC
  return state.message === UNAVAILABLE_SYNC ? UNAVAILABLE_SYNC : null
}

/** A different account on this phone starts from an empty cache; the outbox is never cleared. */
export async function forgetOtherUser(username: string): Promise<void> {
  const db = await getDb()
  if ((await getKv<string>(db, 'user')) === username) return
  await clearLocalCopies()
  await setKv(db, 'user', username)
}

/** Logging out leaves no household data on the phone (PIPL), only the unsent outbox and the
 * photos not on the server yet (uploaded ones are the server's copy: their thumbnails go). */
export async function clearLocalCopies(): Promise<void> {
  const db = await getDb()
  await db.transaction('rw', [db.households, db.visits, db.kv, db.photos], async () => {
    await db.households.clear()
    await db.visits.clear()
    await db.kv.clear()
    await db.photos.where('status').equals('uploaded').delete()
  })
  localStorage.removeItem(SNAPSHOT)
  clearDrafts()
  state.households = []
  state.categories = {}
  state.loaded = false
}

let started = false
let firstPull: Promise<void> = Promise.resolve()

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
  if (state.loaded) void loadHouseholds()
  // A phone with nothing to show asks for everything at once, without waiting for IndexedDB to
  // open; the sync that follows sends the outbox first and pulls again (so nothing it sends is
  // missed by this early pull).
  else firstPull = pull({ full: true }).catch(() => undefined)
  void syncNow()
}

export function categoryLabel(code: string): string {
  return state.categories[code] ?? code
}
