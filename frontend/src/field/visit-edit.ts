import { ApiError, NetworkError, unwrap, type Schemas } from '../api'
import { api } from '../shared/session'
import type { VisitOut, VisitPayload } from './db'

export type VisitChange = Schemas['VisitChange']

/** A visit may be edited this long after it was logged (domain/visits/model.py); later only amended. */
export const EDIT_WINDOW_MS = 24 * 3_600_000

/** A visit with the amendments (补充更正) made to it, oldest first. */
export interface VisitWithAmendments {
  visit: VisitOut
  amendments: VisitOut[]
}

/** The history as shown: originals newest first, each with its amendments under it (an
 * amendment whose original is not in the list stands on its own). */
export function historyOf(visits: VisitOut[]): VisitWithAmendments[] {
  const ids = new Set(visits.map((v) => v.id))
  const under = new Map<number, VisitOut[]>()
  for (const v of visits) {
    if (v.amends_id != null && ids.has(v.amends_id)) under.set(v.amends_id, [...(under.get(v.amends_id) ?? []), v])
  }
  return visits
    .filter((v) => v.amends_id == null || !ids.has(v.amends_id))
    .map((visit) => ({ visit, amendments: (under.get(visit.id) ?? []).sort((a, b) => a.id - b.id) }))
}

/**
 * Whether the visit is still in its 24-hour edit window: the server says until when
 * (`editable_until`). A visit kept on the phone from an older server lacks it: then the window
 * is guessed from when this phone synced its own visits (or the visit's time, for one made in the
 * last 24 hours). The server decides either way, and a closed window is answered on the form.
 */
export function likelyEditable(
  visit: Pick<VisitOut, 'visited_at'> & { editable_until?: string | null },
  syncedAt?: string,
  now = Date.now(),
): boolean {
  if (visit.editable_until) return now < Date.parse(visit.editable_until)
  const since = Math.max(Date.parse(visit.visited_at), syncedAt ? Date.parse(syncedAt) : 0)
  return now - since < EDIT_WINDOW_MS
}

function sameFlags(a: VisitPayload['flags'], b: VisitOut['flags']): boolean {
  const key = (f: { kind: string; text: string }) => `${f.kind}\u0000${f.text}`
  return JSON.stringify((a ?? []).map(key).sort()) === JSON.stringify(b.map(key).sort())
}

/** Only what the member changed (the audit log then shows just that). */
export function changesOf(before: VisitOut, after: VisitPayload): VisitChange {
  const out: VisitChange = {}
  if (after.mode !== before.mode) out.mode = after.mode
  // The form's time has minutes only: an untouched time must not drop the original's seconds.
  const minute = (iso: string) => Math.floor(Date.parse(iso) / 60_000)
  if (minute(after.visited_at) !== minute(before.visited_at)) out.visited_at = after.visited_at
  if ((after.notes ?? '') !== before.notes) out.notes = after.notes ?? ''
  if (!sameFlags(after.flags, before.flags)) out.flags = after.flags ?? []
  if (JSON.stringify([...(after.checklist ?? [])].sort()) !== JSON.stringify([...before.checklist].sort())) {
    out.checklist = after.checklist ?? []
  }
  return out
}

export type ChangeKind = 'edit' | 'amend'

/** PATCH /visits/{id} within the window, or POST /visits/{id}/amendments, which keeps the
 * original. Online only: the ApiError (e.g. visit.edit_window_closed) or NetworkError reaches
 * the form. */
export function sendChange(kind: ChangeKind, visitId: number, change: VisitChange): Promise<VisitOut> {
  const path = { params: { path: { visit_id: visitId } }, body: change }
  return kind === 'edit'
    ? unwrap(api.PATCH('/api/v1/visits/{visit_id}', path))
    : unwrap(api.POST('/api/v1/visits/{visit_id}/amendments', path))
}

/** The form's field for an API pointer (`body.flags.0.text` → `flags`). */
export function formField(pointer: string): string {
  return pointer.split('.').filter((p) => p !== 'body')[0] ?? pointer
}

/** The server's answer in words for the form: messages by field, and one for the whole form. */
export function explain(err: unknown): { fields: Record<string, string>; form: string; windowClosed: boolean } {
  if (err instanceof NetworkError) {
    return {
      fields: {},
      form: '这项操作需要联网：现在连不上服务器，请联网后再试（修改不会存在本机）',
      windowClosed: false,
    }
  }
  if (!(err instanceof ApiError)) return { fields: {}, form: (err as Error).message, windowClosed: false }
  if (err.code === 'visit.edit_window_closed') {
    return { fields: {}, form: err.message || '记录超过 24 小时，不能直接修改', windowClosed: true }
  }
  const fields: Record<string, string> = {}
  for (const [pointer, message] of Object.entries(err.fieldMessages())) {
    fields[formField(pointer)] ??= message // in Chinese from the server, validation included
  }
  const known = ['mode', 'visited_at', 'notes', 'flags', 'checklist']
  const shown = Object.keys(fields).some((f) => known.includes(f))
  return { fields, form: shown ? '' : err.message, windowClosed: false }
}
