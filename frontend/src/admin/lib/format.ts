/** Small display helpers for the console (zh-CN). */

import type { Schemas } from '../../api'

export function percent(rate: number | null | undefined, digits = 1): string {
  if (rate == null || Number.isNaN(rate)) return '—'
  return `${(rate * 100).toFixed(digits)}%`
}

/** A rate as a percentage number rounded to one decimal, for el-statistic: its `precision`
 * cuts digits off (0.0149 showed 1.4 % where the charts, rounding, said 1.5 %). */
export function percentValue(rate: number): number {
  return Math.round(rate * 1000) / 10
}

/** A timestamp in China time, "2026-11-25 14:03". */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const parts = new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(d)
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`
}

/** Who reported or did something, for a list: the user's name, or what stands behind a
 * card (the household itself, through its 联心卡) or an API key. */
export function reporter(actor: string): string {
  if (actor.startsWith('user:')) return actor.slice(5)
  if (actor.startsWith('card:')) return '农户（联心卡）'
  if (actor.startsWith('key:')) return `接口 ${actor.slice(4)}`
  return actor
}

/** The audit log's actor for a typed filter: an account name alone means that user
 * ("admin" → "user:admin"); a full actor ("key:lh_ab12", "card:42") is kept. */
export function actorQuery(text: string): string | undefined {
  const t = text.trim()
  if (!t) return undefined
  return /^(user|key|card|cli):/.test(t) ? t : `user:${t}`
}

/** An org path ("/1/7/42/") as the names the caller knows ("示范县 / 城关镇 / 和明村"); units
 * above the caller's area, which they may not see, are left out. */
export function pathNames(path: string | null | undefined, nameOf: (id: number) => string | undefined): string {
  if (!path) return '—'
  const names = path
    .split('/')
    .filter(Boolean)
    .map((id) => nameOf(Number(id)))
    .filter((n): n is string => !!n)
  return names.length ? names.join(' / ') : path
}

export function distance(m: number | null | undefined): string {
  if (m == null) return '—'
  return m >= 1000 ? `${(m / 1000).toFixed(1)} 公里` : `${m} 米`
}

/** Element Plus's sort-change event ({prop, order}) as the API's sort parameter ("-name"): one of
 * the columns the list sorts by (`sortable`, each a field of the list's sort enum), else none. */
export function sortParam<F extends string>(
  prop: string | null | undefined,
  order: string | null | undefined,
  sortable: readonly F[],
): F | `-${F}` | undefined {
  const field = sortable.find((f) => f === prop)
  if (!field || !order) return undefined
  return order === 'descending' ? `-${field}` : field
}

/** Every audit action the API records, in Chinese (domain/audit.py AUDIT_ACTION_LABELS; the
 * answer's action_label says the same): the type makes a new action without a label fail. */
export const AUDIT_ACTIONS: Record<Schemas['AuditAction'], string> = {
  create: '新增',
  update: '修改',
  delete: '删除',
  move: '移动',
  import: '导入',
  login: '登录',
  login_failed: '登录失败',
  key_create: '创建密钥',
  key_revoke: '吊销密钥',
  unlock: '解除锁定',
  password_change: '修改密码',
  refresh_reuse: '刷新令牌被重复使用',
  publish: '发布',
  amend: '补充更正',
}

export const ELIGIBILITY: Record<string, string> = {
  eligible: '符合',
  unknown: '待核实',
  not_eligible: '不符合',
}

export const DELIVERY: Record<string, string> = {
  explained: '已宣讲',
  applied: '已申请',
  received: '已享受',
}

/** The audit log's entity codes (api/, domain/ services) in Chinese. */
export const AUDIT_ENTITIES: Record<string, string> = {
  api_key: 'API 密钥',
  assignment_proposal: '包户方案',
  card_sheet: '联心卡打印',
  card_token: '联心卡二维码',
  category: '户类',
  household: '农户',
  household_residents: '家庭成员',
  issue_draft: '问题草稿',
  member: '党员',
  member_request: '党员自行申报',
  member_tie: '党员与农户关系',
  must_attend_event: '必到事项',
  org_unit: '组织',
  policy: '政策',
  policy_delivery: '政策落实',
  scheme_binding: '联户模式',
  user: '账户',
  visit: '走访',
  visit_photo: '走访照片',
  // a batch import is one entry under the register it loaded
  households: '农户导入',
  members: '党员导入',
  org_units: '组织导入',
}
