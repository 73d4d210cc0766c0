import type { Schemas } from '../api'

export type VisitMode = Schemas['VisitMode']
export type FlagKind = Schemas['FlagKind']

export const MODES: { value: VisitMode; label: string }[] = [
  { value: 'home', label: '入户走访' },
  { value: 'phone', label: '电话联系' },
  { value: 'wechat', label: '微信联系' },
  { value: 'meeting', label: '会议见面' },
]

/** 四个必记: what a member must write down when they meet it on a visit. */
export const FLAGS: { value: FlagKind; label: string }[] = [
  { value: 'suggestion', label: '意见建议' },
  { value: 'difficulty', label: '困难问题' },
  { value: 'dispute', label: '邻里纠纷' },
  { value: 'disaster', label: '家庭变故或意外' },
]

/** The API's field pointers in the words of the form, for the server's reasons. */
export const FIELD_LABELS: Record<string, string> = {
  notes: '走访情况',
  visited_at: '走访时间',
  mode: '走访方式',
  flags: '四个必记',
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
  return MODES.find((m) => m.value === mode)?.label ?? mode
}

const DAY = 86_400_000

export function dateText(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** The due list's urgency in words and a tag colour. */
export function dueText(due: Schemas['DueOut'], now = Date.now()): { text: string; type: 'danger' | 'warning' | 'primary' | 'success' } {
  if (!due.last_visit) return { text: '从未走访', type: 'danger' }
  if (due.overdue_days && due.overdue_days > 0) return { text: `逾期 ${due.overdue_days} 天`, type: 'danger' }
  if (due.due_at) {
    const days = Math.ceil((new Date(due.due_at).getTime() - now) / DAY)
    return days <= 3 ? { text: `${Math.max(days, 0)} 天内到期`, type: 'warning' } : { text: `${days} 天后到期`, type: 'success' }
  }
  return { text: '已走访', type: 'success' }
}
