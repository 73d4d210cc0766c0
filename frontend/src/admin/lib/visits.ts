import type { Schemas } from '../../api'

/** 民情日志 of one household as the console lists it: newest first, each visit with who made it,
 * how, what was noted (四个必记 included) and whether it corrects an earlier record. */

export type Visit = Schemas['VisitOut']

export interface VisitRow {
  id: number
  visited_at: string
  member: string
  mode: string
  notes: string
  flags: string[]
  checklist: string[]
  /** A 补充更正: the record it corrects. */
  amends: number | null
}

export function visitRows(visits: readonly Visit[], memberNames: ReadonlyMap<number, string>): VisitRow[] {
  return [...visits]
    .sort((a, b) => b.visited_at.localeCompare(a.visited_at) || b.id - a.id)
    .map((v) => ({
      id: v.id,
      visited_at: v.visited_at,
      member: memberNames.get(v.member_id) ?? `党员 #${v.member_id}`,
      mode: v.mode_label,
      notes: v.notes,
      flags: v.flags.map((f) => `${f.label}：${f.text}`),
      checklist: v.checklist,
      amends: v.amends_id,
    }))
}
