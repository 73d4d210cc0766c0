import { ApiError, NetworkError, unwrap, type Schemas } from '../api'
import { api } from '../shared/session'
import type { EventOut } from './data'
import type { FieldDb } from './db'
import { getKv, setKv } from './kv'

export type EventIn = Schemas['EventIn']

/** 五必到 (seeds/huiji-1plus6plusN.txt), the kinds of the scheme this app was made for: offered
 * when the household's scheme could not be read (offline, never opened online). The server
 * checks the kind against the household's own scheme and says which kinds it takes. */
export const DEFAULT_EVENT_KINDS: readonly string[] = ['红白大事', '邻里纠纷', '生病住院', '代办事项', '思想波动']

/** The longest note the server takes (EventIn.note). */
export const NOTE_MAX = 1000

/** What the form offers: the scheme's kinds, and whether they are the scheme's own word. */
export interface EventKinds {
  kinds: string[]
  /** Read from the household's scheme (now or earlier), not the built-in five. */
  fromScheme: boolean
  /** The scheme's deadline in hours, when known. */
  deadlineHours: number | null
}

/** The kinds and deadline in a scheme's `params` (an untyped object in the contract). */
export function kindsInParams(params: Record<string, unknown>): EventKinds | null {
  const kinds = params.must_attend_events
  if (!Array.isArray(kinds) || !kinds.every((k) => typeof k === 'string')) return null
  const hours = params.must_attend_deadline_hours
  return { kinds: [...kinds], fromScheme: true, deadlineHours: typeof hours === 'number' ? hours : null }
}

/**
 * The must-attend kinds of the scheme that applies to a household's org unit
 * (`GET /org-units/{id}/scheme`), kept in IndexedDB for offline use; the built-in five when
 * neither the network nor the copy has them.
 */
export async function eventKindsFor(db: FieldDb, orgId: number | null | undefined): Promise<EventKinds> {
  const fallback: EventKinds = { kinds: [...DEFAULT_EVENT_KINDS], fromScheme: false, deadlineHours: null }
  if (!orgId) return fallback
  const key = `event-kinds:${orgId}`
  try {
    const scheme = await unwrap(api.GET('/api/v1/org-units/{org_id}/scheme', { params: { path: { org_id: orgId } } }))
    const found = kindsInParams(scheme.params)
    if (found) {
      await setKv(db, key, found)
      return found
    }
  } catch {
    // offline, or not allowed to read the scheme: the copy kept, else the five
  }
  return (await getKv<EventKinds>(db, key)) ?? fallback
}

/** Check the form before sending; messages in the words of the form. */
export function checkReport(body: { kind: string; note: string }): Record<string, string> {
  const out: Record<string, string> = {}
  if (!body.kind.trim()) out.kind = '请选择事项类型'
  if (body.note.length > NOTE_MAX) out.note = `情况说明不能超过 ${NOTE_MAX} 字`
  return out
}

/**
 * Report a must-attend event (`POST /households/{id}/events`). Online only: the sync batch has
 * no operation for it, so it is not queued; the ApiError or NetworkError reaches the form, which
 * keeps what was typed.
 */
export function reportEvent(householdId: number, body: EventIn): Promise<EventOut> {
  return unwrap(
    api.POST('/api/v1/households/{household_id}/events', {
      params: { path: { household_id: householdId } },
      body: { kind: body.kind.trim(), note: (body.note ?? '').trim() },
    }),
  )
}

export const NEEDS_NETWORK = '这项操作需要联网：现在连不上服务器，请联网后再提交（填写的内容仍在本页）'

/** The server's answer in words for the form: its own (Chinese) messages under kind or note,
 * anything else for the whole form. */
export function explainReport(err: unknown): { fields: Record<string, string>; form: string } {
  if (err instanceof NetworkError) return { fields: {}, form: NEEDS_NETWORK }
  if (!(err instanceof ApiError)) return { fields: {}, form: (err as Error).message }
  const fields: Record<string, string> = {}
  for (const [pointer, message] of Object.entries(err.fieldMessages())) {
    const name = pointer.split('.')[0]
    if (name === 'kind' || name === 'note') fields[name] ??= message
  }
  return { fields, form: Object.keys(fields).length ? '' : err.message }
}

/** A report made on this phone, kept so the household's page lists it even when the event is
 * another member's task (a branch secretary reporting for a household of their branch). */
const REPORTED = 'reported-events'
/** Reports older than this are dropped from the phone's list: by then the event is long settled. */
const KEEP_MS = 30 * 86_400_000

export async function rememberReported(
  db: FieldDb,
  event: EventOut,
  { memberId, now = Date.now() }: { memberId: number | null; now?: number },
): Promise<void> {
  const kept = (await getKv<EventOut[]>(db, REPORTED)) ?? []
  const fresh = kept.filter((e) => e.id !== event.id && now - Date.parse(e.reported_at) < KEEP_MS)
  await setKv(db, REPORTED, [event, ...fresh])
  // The reporter's own household: the event is their task too, shown before the next refresh.
  const tasks = await getKv<EventOut[]>(db, 'tasks')
  if (memberId != null && event.member_id === memberId && !(tasks ?? []).some((t) => t.id === event.id)) {
    await setKv(
      db,
      'tasks',
      [...(tasks ?? []), event].sort((a, b) => a.deadline.localeCompare(b.deadline)),
    )
  }
}

/** The household's events as its page shows them: my tasks there, then reports made on this
 * phone that are not among them (someone else's task, or already attended). */
export function householdEvents(
  householdId: number,
  tasks: EventOut[],
  reported: EventOut[],
): { event: EventOut; mine: boolean }[] {
  const ids = new Set(tasks.map((t) => t.id))
  return [
    ...tasks.filter((t) => t.household_id === householdId).map((event) => ({ event, mine: true })),
    ...reported
      .filter((e) => e.household_id === householdId && !ids.has(e.id))
      .map((event) => ({ event, mine: false })),
  ]
}

export async function reportedEvents(db: FieldDb): Promise<EventOut[]> {
  return (await getKv<EventOut[]>(db, REPORTED)) ?? []
}
