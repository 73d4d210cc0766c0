/** A must-attend report being written, per household, kept in sessionStorage: the report needs
 * the network, so what was typed offline must outlast leaving the page or a reload. Not in
 * localStorage: it names a household's troubles (PIPL), and logging out clears it. */
const PREFIX = 'lianhu.event-draft.'

export interface EventDraft {
  kind: string
  note: string
}

export function readDraft(householdId: number): EventDraft | null {
  try {
    const raw = sessionStorage.getItem(PREFIX + householdId)
    const d = raw ? (JSON.parse(raw) as Partial<EventDraft>) : null
    return d ? { kind: typeof d.kind === 'string' ? d.kind : '', note: typeof d.note === 'string' ? d.note : '' } : null
  } catch {
    return null
  }
}

export function writeDraft(householdId: number, draft: EventDraft): void {
  try {
    if (!draft.kind && !draft.note) sessionStorage.removeItem(PREFIX + householdId)
    else sessionStorage.setItem(PREFIX + householdId, JSON.stringify({ kind: draft.kind, note: draft.note }))
  } catch {
    // storage unavailable: the text stays on the page as long as it is open
  }
}

export function clearDraft(householdId: number): void {
  try {
    sessionStorage.removeItem(PREFIX + householdId)
  } catch {
    // nothing kept
  }
}

/** Every draft on this phone (logging out). */
export function clearDrafts(): void {
  try {
    const keys = Array.from({ length: sessionStorage.length }, (_, i) => sessionStorage.key(i)).filter((k) =>
      k?.startsWith(PREFIX),
    )
    for (const k of keys) sessionStorage.removeItem(k!)
  } catch {
    // nothing kept
  }
}
