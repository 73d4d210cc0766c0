import type { Schemas } from '../../api'

/** 五必到 (must-attend events) as the branch reads them: late and missed attendance first and
 * plain to see, the time left or overdue in words, the scheme's kinds for the report form. */

export type MustAttendEvent = Schemas['EventOut']
export type EventStatus = Schemas['EventStatus']

/** The tag colour of each status: 逾期未到 red, 迟到场 orange, 待到场 blue, 按时到场 green,
 * 已撤销 grey. */
export const STATUS_TAG: Record<EventStatus, 'danger' | 'warning' | 'primary' | 'success' | 'info'> = {
  missed: 'danger',
  late: 'warning',
  open: 'primary',
  attended: 'success',
  cancelled: 'info',
}

/** What the branch must act on comes first: missed, then late, then open, then on time; the
 * withdrawn ones last. */
const RANK: Record<EventStatus, number> = { missed: 0, late: 1, open: 2, attended: 3, cancelled: 4 }

/** Missed and late first; within a status the earliest deadline first (the most urgent open
 * one, the longest overdue missed one). */
export function sortEvents(events: readonly MustAttendEvent[]): MustAttendEvent[] {
  return [...events].sort(
    (a, b) => RANK[a.status] - RANK[b.status] || a.deadline.localeCompare(b.deadline) || a.id - b.id,
  )
}

export function countByStatus(events: readonly MustAttendEvent[]): Record<EventStatus, number> {
  const out: Record<EventStatus, number> = { missed: 0, late: 0, open: 0, attended: 0, cancelled: 0 }
  for (const e of events) out[e.status] += 1
  return out
}

/** A duration in hours as "3 天 4 小时", "5 小时", "不到 1 小时". */
export function hoursText(ms: number): string {
  const hours = Math.floor(Math.abs(ms) / 3_600_000)
  if (hours < 1) return '不到 1 小时'
  const days = Math.floor(hours / 24)
  const rest = hours % 24
  if (!days) return `${hours} 小时`
  return rest ? `${days} 天 ${rest} 小时` : `${days} 天`
}

/** How the event stands against its deadline: "剩余 5 小时", "已逾期 2 天", "迟到 3 小时",
 * "按时到场". */
export function timing(e: MustAttendEvent, now: Date = new Date()): string {
  if (e.status === 'cancelled') return '已撤销'
  const deadline = Date.parse(e.deadline)
  if (e.attended_at) {
    const late = Date.parse(e.attended_at) - deadline
    return late > 0 ? `迟到 ${hoursText(late)}` : '按时到场'
  }
  const left = deadline - now.getTime()
  return left >= 0 ? `剩余 ${hoursText(left)}` : `已逾期 ${hoursText(left)}`
}

/** The five of the 1+6+N scheme (domain/schemes/model.py), shown only when the area's own scheme
 * cannot be read: the server checks the kind against the area's scheme either way. */
export const DEFAULT_EVENT_KINDS = ['红白大事', '邻里纠纷', '生病住院', '代办事项', '思想波动'] as const

/** The area's must-attend kinds from its effective scheme's params (must_attend_events). */
export function eventKinds(params: Record<string, unknown> | null | undefined): string[] {
  const kinds = params?.must_attend_events
  return Array.isArray(kinds) ? kinds.filter((k): k is string => typeof k === 'string') : []
}

/** The scheme's deadline in hours (must_attend_deadline_hours), or null when unknown. */
export function deadlineHours(params: Record<string, unknown> | null | undefined): number | null {
  const h = params?.must_attend_deadline_hours
  return typeof h === 'number' ? h : null
}

/** A wrong report can be withdrawn while nobody has attended it (the server refuses the rest). */
export function cancellable(e: MustAttendEvent): boolean {
  return e.status === 'open' || e.status === 'missed'
}

/** The reason the branch gives for withdrawing a report: at least 2 characters, at most 500. */
export function cancelReasonError(reason: string): string | null {
  const r = reason.trim()
  if (r.length < 2) return '请写明撤销原因（至少 2 个字）'
  if (r.length > 500) return '撤销原因不能超过 500 字'
  return null
}

export const EVENT_FIELDS = ['household_id', 'kind', 'note'] as const

export interface EventForm {
  household_id: number | null
  kind: string
  note: string
}

export function eventBody(f: EventForm): Schemas['EventIn'] {
  return { kind: f.kind.trim(), note: f.note.trim() }
}
