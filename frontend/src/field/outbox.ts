import { unwrap, type Api } from '../api'
import type { AttendancePayload, FieldDb, IssuePayload, Operation, OutboxItem, VisitPayload } from './db'
import type { FlagKind } from './labels'

/** At most this many operations a request (the server takes 500). */
export const BATCH = 200

export function newUuid(): string {
  return globalThis.crypto?.randomUUID
    ? globalThis.crypto.randomUUID()
    : 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
        const r = (Math.random() * 16) | 0
        return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16)
      })
}

let lastSeq = 0

/** Strictly increasing, also for operations made within the same millisecond. */
function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000)
  return lastSeq
}

async function enqueue(db: FieldDb, op: Operation, householdId: number): Promise<OutboxItem> {
  const headName = householdId ? (await db.households.get(householdId))?.head_name : undefined
  const item = {
    ...op,
    uuid: newUuid(),
    household_id: householdId,
    ...(headName ? { head_name: headName } : {}),
    created_at: new Date().toISOString(),
    seq: nextSeq(),
    status: 'pending',
  } as OutboxItem
  await db.outbox.add(item)
  return item
}

/** Queue a visit, and a draft issue for each flagged item the member raises. The UUID is made
 * now, once: a retry after a lost answer is then a duplicate on the server, never a second visit;
 * the drafts name the visit by it, so all of them travel in one batch. */
export async function enqueueVisit(
  db: FieldDb,
  payload: VisitPayload,
  { raise = [] }: { raise?: FlagKind[] } = {},
): Promise<OutboxItem> {
  const visit = await enqueue(db, { kind: 'visit', payload }, payload.household_id)
  for (const kind of raise) {
    await enqueue(db, { kind: 'issue_draft', payload: { visit_uuid: visit.uuid, kind } }, payload.household_id)
  }
  return visit
}

/** Queue the attendance of a must-attend event (到场), which is a visit linked to the event. */
export async function enqueueAttendance(db: FieldDb, payload: AttendancePayload): Promise<OutboxItem> {
  return enqueue(db, { kind: 'attendance', payload }, payload.household_id)
}

/** Queue an issue the member raises (党员直报): sent with the next sync, offline or not; its uuid
 * is the issue's client_ref, so a batch sent again raises it once. */
export async function enqueueIssue(db: FieldDb, payload: IssuePayload): Promise<OutboxItem> {
  const sent: IssuePayload = { title: payload.title.trim(), text: payload.text.trim() }
  if (payload.household_id) sent.household_id = payload.household_id
  if (payload.category) sent.category = payload.category
  return enqueue(db, { kind: 'issue', payload: sent }, payload.household_id ?? 0)
}

export interface SyncSummary {
  sent: number
  applied: number
  duplicate: number
  rejected: number
}

let running: Promise<SyncSummary> | null = null

/**
 * Send every pending operation through POST /sync/batch and store each item's answer on it.
 * Rejected items stay in the outbox with the server's reason; nothing is deleted here. A network
 * failure or an expired login leaves the items pending (the error propagates to the caller).
 * Calls while a sync runs share it, so an item is never sent twice at once.
 */
export function syncOutbox(db: FieldDb, api: Api): Promise<SyncSummary> {
  running ??= doSync(db, api).finally(() => {
    running = null
  })
  return running
}

async function doSync(db: FieldDb, api: Api): Promise<SyncSummary> {
  const summary: SyncSummary = { sent: 0, applied: 0, duplicate: 0, rejected: 0 }
  for (;;) {
    const pending = await db.outbox.where('status').equals('pending').sortBy('seq')
    const batch = pending.slice(0, BATCH)
    if (!batch.length) return summary
    const out = await unwrap(
      api.POST('/api/v1/sync/batch', {
        body: { operations: batch.map((i) => ({ uuid: i.uuid, kind: i.kind, payload: i.payload })) },
      }),
    )
    const at = new Date().toISOString()
    await db.transaction('rw', db.outbox, async () => {
      for (const r of out.results) {
        const item = batch[r.index]
        if (!item || (r.uuid && r.uuid !== item.uuid)) continue
        await db.outbox.update(item.uuid, {
          status: r.status,
          synced_at: at,
          result: { id: r.id, code: r.code, field: r.field, message: r.message, note: r.note },
        })
      }
    })
    summary.sent += batch.length
    summary.applied += out.applied
    summary.duplicate += out.duplicate
    summary.rejected += out.rejected
    if (out.results.length < batch.length) return summary // never loop on items left unanswered
  }
}

/** Put a rejected item back in the queue, with the member's corrected visit fields (an
 * attendance keeps its event). */
export async function retryItem(db: FieldDb, uuid: string, visit?: VisitPayload): Promise<void> {
  const item = await db.outbox.get(uuid)
  if (!item) return
  const changes: Partial<OutboxItem> = { status: 'pending', result: undefined }
  if (visit && item.kind === 'visit') changes.payload = visit
  if (visit && item.kind === 'attendance') changes.payload = { ...visit, event_id: item.payload.event_id }
  await db.outbox.update(uuid, changes)
}

/** Drop an item the member gave up on (only rejected ones; pending work is never discarded),
 * with the photos attached to it on the phone (the confirmation says so). */
export async function discardRejected(db: FieldDb, uuid: string): Promise<boolean> {
  return db.transaction('rw', db.outbox, db.photos, async () => {
    const item = await db.outbox.get(uuid)
    if (item?.status !== 'rejected') return false
    await db.outbox.delete(uuid)
    await db.photos.where('visit_uuid').equals(uuid).delete()
    return true
  })
}

/** The name an item's household goes by in the queue: as the phone knows it now, else as it
 * knew it when the item was made, else its number. */
export function householdName(
  item: Pick<OutboxItem, 'household_id' | 'head_name'>,
  known: { id: number; head_name: string }[],
): string {
  if (!item.household_id) return '不涉及具体农户'
  return known.find((h) => h.id === item.household_id)?.head_name ?? item.head_name ?? `农户 ${item.household_id}`
}

/** When the latest visit (or attendance, which is a visit) waiting in the outbox was made, by
 * household: the list shows it as visited before the sync brings the server's due list. Refused
 * items are not counted: they are not visits until corrected and sent again. */
export function queuedVisitTimes(items: readonly OutboxItem[]): Record<number, string> {
  const latest: Record<number, string> = {}
  for (const i of items) {
    if (i.status !== 'pending' || (i.kind !== 'visit' && i.kind !== 'attendance')) continue
    const at = i.payload.visited_at
    const seen = latest[i.household_id]
    if (!seen || Date.parse(at) > Date.parse(seen)) latest[i.household_id] = at
  }
  return latest
}

export const STATUS_LABELS: Record<OutboxItem['status'], string> = {
  pending: '待同步',
  applied: '已同步',
  duplicate: '已同步（重复提交，只记一次）',
  rejected: '被退回',
}
