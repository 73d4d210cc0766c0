import type { EventOut } from './data'
import { enumLabel, EVENT_STATUSES, type EventStatus } from './labels'

const HOUR = 3_600_000

export type TagType = 'danger' | 'warning' | 'success' | 'primary'

/** A must-attend task (五必到) as the list shows it. */
export interface TaskState {
  status: EventStatus
  /** The status in the server's words (`/meta/enums` event_statuses). */
  label: string
  tag: TagType
  /** How long is left, or how long ago the deadline passed, while not attended. */
  due: string
  /** The attendance is saved on the phone and not on the server yet. */
  queued: boolean
}

const TAGS: Record<EventStatus, TagType> = {
  open: 'warning',
  missed: 'danger',
  attended: 'success',
  late: 'primary',
  cancelled: 'primary',
}

/** "3 小时" / "2 天 5 小时" / "不到 1 小时". */
export function spanText(ms: number): string {
  const hours = Math.floor(ms / HOUR)
  if (hours < 1) return '不到 1 小时'
  const days = Math.floor(hours / 24)
  const rest = hours % 24
  return days ? `${days} 天${rest ? ` ${rest} 小时` : ''}` : `${hours} 小时`
}

/**
 * The task's status now, by the server's rule (domain/must_attend.py): open until the deadline,
 * then missed; attended by the deadline, else late. It is worked out on the phone so a list kept
 * offline still turns 逾期未到 when the deadline passes, and an attendance waiting in the outbox
 * shows whether it will count as late (its visit time against the deadline).
 */
export function taskState(
  e: EventOut,
  { now = Date.now(), queuedAt }: { now?: number; queuedAt?: string } = {},
): TaskState {
  const deadline = Date.parse(e.deadline)
  const attendedAt = queuedAt ?? e.attended_at
  let status: EventStatus
  if (e.status === 'cancelled')
    status = 'cancelled' // withdrawn by the branch: nothing to do
  else if (attendedAt) status = Date.parse(attendedAt) <= deadline ? 'attended' : 'late'
  else status = now <= deadline ? 'open' : 'missed'
  // The server's words: its enum labels, else the label it sent with this event, else ours.
  const label = enumLabel('event_statuses', status, status === e.status ? e.status_label : EVENT_STATUSES[status])
  let due = ''
  if (status === 'open') due = `还剩 ${spanText(deadline - now)}`
  else if (status === 'missed') due = `已超过截止时间 ${spanText(now - deadline)}`
  return { status, label, tag: TAGS[status], due, queued: !!queuedAt }
}

/** Most urgent first: open and missed by deadline, then the ones attended. */
export function byUrgency(a: EventOut, b: EventOut): number {
  const done = (e: EventOut) => (e.attended_at ? 1 : 0)
  return done(a) - done(b) || a.deadline.localeCompare(b.deadline)
}

/** The empty list's words. Offline it may just not be on the phone yet, so it says how to get it;
 * online the server has answered, and there is nothing to do. */
export function noTasksText(online: boolean): string {
  return online ? '暂无必到事项' : '暂无必到事项；联网后下拉刷新'
}
