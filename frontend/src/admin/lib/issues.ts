import type { Schemas } from '../../api'

/** The issue flow (问题办理) as the console shows it: the inbox's tabs, the fields each action's
 * form asks for, and the clock's countdown. Pure: the calls are in ../features/issues.ts. */

export type IssueStatus = Schemas['IssueStatus']
export type Supervision = Schemas['Supervision']
export type IssueAction = Schemas['IssueAction']
export type Issue = Schemas['IssueOut']
export type IssueItem = Schemas['IssueItemOut']

/** One tab of the inbox and the filter it stands for. */
export interface InboxTab {
  name: string
  label: string
  status?: IssueStatus[]
  overdue?: boolean
  supervision?: Supervision
}

/** The inbox's tabs: what waits for the handling org, what it is doing, what was collected and
 * waits to be classified, the overdue, the yellow and red cards, the ledger, everything. */
export const INBOX_TABS: InboxTab[] = [
  { name: 'assigned', label: '待受理', status: ['assigned'] },
  { name: 'in_progress', label: '办理中', status: ['in_progress'] },
  { name: 'raised', label: '已收集/待分类', status: ['raised', 'classified'] },
  { name: 'overdue', label: '超期', overdue: true },
  { name: 'yellow', label: '黄牌', supervision: 'yellow' },
  { name: 'red', label: '红牌', supervision: 'red' },
  { name: 'on_ledger', label: '台账', status: ['on_ledger'] },
  { name: 'all', label: '全部' },
]

export function inboxTab(name: string | undefined): InboxTab {
  return INBOX_TABS.find((t) => t.name === name) ?? INBOX_TABS[0]
}

/** A field of an action's form. */
export interface ActionField {
  key: string
  label: string
  kind: 'text' | 'textarea' | 'date' | 'category' | 'difficulty' | 'rating'
  required: boolean
  max?: number
  placeholder?: string
}

const note = (label = '备注'): ActionField => ({ key: 'note', label, kind: 'textarea', required: false, max: 500 })
const reason = (label: string, required = true): ActionField => ({
  key: 'reason',
  label,
  kind: 'textarea',
  required,
  max: 500,
})

/** The fields of each action (api/issues/schemas.py: one body per action). */
export const ACTION_FIELDS: Record<string, ActionField[]> = {
  classify: [
    { key: 'category', label: '问题类别', kind: 'category', required: true },
    { key: 'difficulty', label: '难易程度', kind: 'difficulty', required: true },
    note(),
  ],
  solve_on_spot: [{ key: 'answer', label: '答复', kind: 'textarea', required: true, max: 500 }],
  assign: [note('交办说明')],
  accept: [note()],
  escalate: [reason('上报理由')],
  send_back: [reason('退回理由')],
  request_extension: [{ key: 'until', label: '延至', kind: 'date', required: true }, reason('延期理由')],
  approve_extension: [note()],
  refuse_extension: [reason('不同意的理由')],
  urge: [note('催办意见')],
  resolve: [{ key: 'answer', label: '办理结果与答复', kind: 'textarea', required: true, max: 500 }],
  confirm_told: [note('反馈情况')],
  rate: [{ key: 'rating', label: '评价', kind: 'rating', required: true }, reason('理由', false)],
  close: [{ key: 'result', label: '销号结果', kind: 'textarea', required: true, max: 500 }],
  put_on_ledger: [
    { key: 'plan', label: '解决计划', kind: 'textarea', required: true, max: 500 },
    { key: 'owner', label: '责任人', kind: 'text', required: true, max: 50 },
    { key: 'review_on', label: '复查日期', kind: 'date', required: true },
  ],
  reopen: [reason('重办理由')],
}

export function actionFields(action: string): ActionField[] {
  return ACTION_FIELDS[action] ?? [note()]
}

/** The empty form of an action. */
export function emptyForm(action: string): Record<string, string> {
  return Object.fromEntries(actionFields(action).map((f) => [f.key, '']))
}

/** The action's request body: its code and its fields, trimmed, the empty optional ones left
 * out (the server fills their default). */
export function actionBody(action: string, form: Record<string, string>): Record<string, string> {
  const body: Record<string, string> = { action }
  for (const f of actionFields(action)) {
    const v = (form[f.key] ?? '').trim()
    if (v || f.required) body[f.key] = v
  }
  return body
}

/** Actions that turn an issue away or end it: their buttons are plain, the others primary. */
const SECONDARY = new Set(['send_back', 'refuse_extension', 'put_on_ledger', 'request_extension', 'urge'])

export function actionButtonType(action: string): 'primary' | 'default' | 'warning' {
  if (action === 'escalate') return 'warning'
  return SECONDARY.has(action) ? 'default' : 'primary'
}

export { countdown } from '../../shared/countdown'

/** The tag colour of a supervision level (黄牌 / 红牌). */
export function supervisionType(level: Supervision): 'warning' | 'danger' | 'info' {
  return level === 'red' ? 'danger' : level === 'yellow' ? 'warning' : 'info'
}

/** A status's tag colour. */
export function statusType(status: IssueStatus): 'success' | 'info' | 'warning' | 'primary' | 'danger' {
  if (status === 'closed') return 'success'
  if (status === 'on_ledger') return 'info'
  if (status === 'resolved' || status === 'fed_back') return 'primary'
  if (status === 'raised' || status === 'classified' || status === 'assigned') return 'warning'
  return 'primary'
}
