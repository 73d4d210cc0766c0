/** The audit log's before and after as a reader wants them: the fields that changed, one row
 * each, named in Chinese where the name is known. */

/** Field names of the snapshots (domain objects and the accounts' answers) in Chinese. */
export const AUDIT_FIELDS: Record<string, string> = {
  id: '编号',
  org_id: '所属组织',
  org_path: '组织路径',
  head_name: '户主姓名',
  size: '家庭人口',
  building: '楼栋',
  address: '住址',
  phone: '电话',
  location: '位置',
  lat: '纬度',
  lng: '经度',
  categories: '户类',
  external_id: '外部编号',
  name: '名称',
  role: '角色',
  gender: '性别',
  birth_date: '出生日期',
  skills: '特长',
  in_service: '在职',
  reported_community_id: '报到社区',
  exemption: '免于联户',
  member_id: '党员',
  household_id: '农户',
  visited_at: '走访时间',
  mode: '走访方式',
  notes: '走访内容',
  flags: '四个必记',
  checklist: '清单事项',
  amends_id: '更正的原记录',
  sync_note: '同步说明',
  created_at: '记录时间',
  created_by: '记录人',
  status: '状态',
  residents: '家庭成员',
  relation: '与户主关系',
  code: '编码',
  label: '名称',
  level: '层级',
  parent_id: '上级组织',
  path: '路径',
  scheme: '联户模式',
  overrides: '参数调整',
  active: '启用',
  username: '账号',
  permissions: '权限',
  started: '新建联系',
  kept: '保留联系',
  moves: '调整',
  note: '备注',
  kind: '类型',
  text: '内容',
  summary: '说明',
  rule: '条件',
  rows: '行数',
  created: '新增',
  updated: '更新',
  ignored_columns: '未识别的列',
  sha256: '文件摘要',
  prefix: '密钥前缀',
  password_reset: '重置密码',
  deadline: '到场期限',
  reported_by: '报告人',
  reported_at: '报告时间',
  attended_at: '到场时间',
}

export interface FieldChange {
  field: string
  label: string
  before: string
  after: string
}

type Snapshot = Record<string, unknown> | null | undefined

/** A value as one line of text: '—' for nothing, lists joined by 、, anything else as JSON. */
export function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean')
    return value === true ? '是' : value === false ? '否' : String(value)
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return value.length ? value.join('、') : '—'
  }
  return JSON.stringify(value)
}

/** The fields whose value differs between ``before`` and ``after`` (a creation: every field
 * it was given; a deletion: every field it had), in the order the snapshots list them. */
export function auditDiff(before: Snapshot, after: Snapshot): FieldChange[] {
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])]
  const out: FieldChange[] = []
  for (const field of fields) {
    const b = before?.[field]
    const a = after?.[field]
    if (JSON.stringify(b ?? null) === JSON.stringify(a ?? null)) continue
    out.push({ field, label: AUDIT_FIELDS[field] ?? field, before: shown(b), after: shown(a) })
  }
  return out
}
