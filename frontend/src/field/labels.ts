import { reactive } from 'vue'
import type { Schemas } from '../api'

export type VisitMode = Schemas['VisitMode']
/** A 必记's code: one of the four's (suggestion …), or a county's own 必记, named by its label. */
export type FlagKind = string
export type EventStatus = Schemas['EventOut']['status']
export type Role = Schemas['Role']

/** The enums the field app shows, labelled by the server (`GET /meta/enums`). */
export type EnumKind = 'visit_modes' | 'visit_flags' | 'event_statuses' | 'relations' | 'account_roles'
const ENUM_KINDS: readonly EnumKind[] = ['visit_modes', 'visit_flags', 'event_statuses', 'relations', 'account_roles']
const ENUMS_KEY = 'lianhu.enums'

function readEnums(): Partial<Record<EnumKind, Record<string, string>>> {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(ENUMS_KEY)
    return raw ? (JSON.parse(raw) as Partial<Record<EnumKind, Record<string, string>>>) : {}
  } catch {
    return {}
  }
}

/** The server's labels as last fetched, kept in localStorage (no personal data, so kept across
 * logouts) so they are there offline and synchronously at start. */
export const serverLabels = reactive(readEnums())

/** Take the labels from a `/meta/enums` answer (an older server may lack some lists: those keep
 * the built-in words). */
export function learnEnums(out: object): void {
  const lists = out as Partial<Record<EnumKind, unknown>>
  for (const kind of ENUM_KINDS) {
    const list = lists[kind]
    if (!Array.isArray(list)) continue
    const labels: Record<string, string> = {}
    for (const l of list as { code?: unknown; label?: unknown }[]) {
      if (typeof l?.code === 'string' && typeof l.label === 'string') labels[l.code] = l.label
    }
    serverLabels[kind] = labels
  }
  try {
    localStorage.setItem(ENUMS_KEY, JSON.stringify(serverLabels))
  } catch {
    // storage full: the built-in words are used after a reload
  }
}

/** A code in the server's words, else the built-in word, else the code itself. */
export function enumLabel(kind: EnumKind, code: string, fallback?: string): string {
  return serverLabels[kind]?.[code] ?? fallback ?? code
}

/** The built-in words: what the app says before it has ever reached the server. */
export const MODES: { value: VisitMode; label: string }[] = [
  { value: 'home', label: '入户走访' },
  { value: 'phone', label: '电话联系' },
  { value: 'wechat', label: '微信联系' },
  { value: 'meeting', label: '会议见面' },
]

/** 四个必记 (seeds/jiaxing-yilian-sanhui.txt): what a member must write down when they meet it on a
 * visit, where the scheme sets no list of its own; the visit form offers the household's list in
 * force (`visitFlagsOf`). */
export const FLAGS: { value: FlagKind; label: string }[] = [
  { value: 'suggestion', label: '意见建议' },
  { value: 'difficulty', label: '困难问题' },
  { value: 'dispute', label: '邻里纠纷' },
  { value: 'disaster', label: '家庭灾害事故' },
]

/** 五必到 attendance (domain/must_attend.py). */
export const EVENT_STATUSES: Record<EventStatus, string> = {
  open: '待到场',
  missed: '逾期未到',
  attended: '按时到场',
  late: '迟到场',
  cancelled: '已撤销',
}

/** Accounts' roles (domain/kernel/access.py ROLE_LABELS): 我的 says who is logged in. */
export const ROLES: Record<Role, string> = {
  member: '党员',
  group_leader: '党小组长',
  branch_secretary: '支部书记',
  village_cadre: '村两委干部',
  township_cadre: '乡镇干部',
  county_cadre: '县级干部',
  auditor: '审计员',
  admin: '系统管理员',
}

export function roleLabel(role: string | null | undefined): string {
  if (!role) return ''
  return enumLabel('account_roles', role, ROLES[role as Role])
}

/** The ways of being there in person, the only ones a must-attend attendance (到场) may take
 * (domain/must_attend.py ATTENDANCE_MODES): a phone call or a WeChat message is not 到场. */
export const ATTENDANCE_MODES: readonly VisitMode[] = ['home', 'meeting']

/** Visit modes with the server's labels (the codes are the contract's); an attendance offers
 * only the in-person ones. */
export function modes({ attendance = false } = {}): { value: VisitMode; label: string }[] {
  return MODES.filter((m) => !attendance || ATTENDANCE_MODES.includes(m.value)).map((m) => ({
    value: m.value,
    label: enumLabel('visit_modes', m.value, m.label),
  }))
}

/** A phone number as a tel: link (digits and a leading +, what dialers take), or null for a
 * masked or empty one. */
export function telHref(phone: string | null | undefined, masked = false): string | null {
  if (!phone || masked || phone.includes('*')) return null
  const digits = phone.replace(/[^\d+]/g, '')
  return digits ? `tel:${digits}` : null
}

/** 四个必记 with the server's labels. */
export function flags(): { value: FlagKind; label: string }[] {
  return FLAGS.map((f) => ({ value: f.value, label: enumLabel('visit_flags', f.value, f.label) }))
}

export function flagLabel(kind: string): string {
  return enumLabel('visit_flags', kind, FLAGS.find((f) => f.value === kind)?.label)
}

export function statusLabel(status: string): string {
  return enumLabel('event_statuses', status, EVENT_STATUSES[status as EventStatus])
}

/** The API's field pointers in the words of the form, for the server's reasons. */
export const FIELD_LABELS: Record<string, string> = {
  notes: '走访情况',
  visited_at: '走访时间',
  mode: '走访方式',
  flags: '必记事项',
  checklist: '到户清单',
  household_id: '农户',
  member_id: '党员',
  uuid: '编号',
  kind: '类型',
  payload: '内容',
}

export function fieldLabel(pointer: string | null | undefined): string {
  if (!pointer) return ''
  const head = pointer.split('.').find((p) => p !== 'body' && p !== 'payload') ?? pointer
  return FIELD_LABELS[head] ?? head
}

export function modeLabel(mode: string): string {
  return enumLabel('visit_modes', mode, MODES.find((m) => m.value === mode)?.label)
}

const DAY = 86_400_000

export function dateText(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** The due list's urgency in words and a tag colour. A visit made on the phone and not synced yet
 * (`queuedAt`, its time) counts: the household reads as visited then, 待同步, not 从未走访 or
 * overdue until the server's due list says so after the sync. */
export function dueText(
  due: Schemas['DueOut'],
  now = Date.now(),
  queuedAt?: string,
): { text: string; type: 'danger' | 'warning' | 'primary' | 'success' } {
  if (queuedAt && (!due.last_visit || Date.parse(queuedAt) > Date.parse(due.last_visit))) {
    return { text: `${dateText(queuedAt).slice(5)} 已走访（待同步）`, type: 'primary' }
  }
  if (!due.last_visit) return { text: '从未走访', type: 'danger' }
  if (due.overdue_days && due.overdue_days > 0) return { text: `逾期 ${due.overdue_days} 天`, type: 'danger' }
  if (due.due_at) {
    const days = Math.ceil((new Date(due.due_at).getTime() - now) / DAY)
    return days <= 3
      ? { text: `${Math.max(days, 0)} 天内到期`, type: 'warning' }
      : { text: `${days} 天后到期`, type: 'success' }
  }
  return { text: '已走访', type: 'success' }
}
