import type { Schemas } from '../../api'

/** Chinese labels the API does not serve in /meta/enums (it has roles, levels, categories and
 * exemption reasons), kept with the codes of openapi.json so vue-tsc catches a drift. */

export type Permission = Schemas['Permission']
export type Relation = Schemas['Relation']
export type DeliveryStatus = Schemas['DeliveryStatus']
export type Label = Schemas['Label']

export const PERMISSION_LABELS: Record<Permission, string> = {
  'org:read': '查看组织',
  'org:write': '维护组织',
  'member:read': '查看党员',
  'member:write': '维护党员',
  'household:read': '查看农户',
  'household:write': '维护农户',
  'scheme:read': '查看联户模式',
  'scheme:write': '设置联户模式',
  'data:import': '批量导入',
  'data:export': '数据导出',
  'personal:read': '查看个人信息（不脱敏）',
  'audit:read': '查看操作日志',
  'user:admin': '管理账户与密钥',
  'assignment:write': '编制包户方案',
  'visit:write': '登记走访与落实',
  'policy:write': '维护政策',
}

/** domain/household.py RELATION_LABELS (与户主关系). */
export const RELATION_LABELS: Record<Relation, string> = {
  head: '户主',
  spouse: '配偶',
  child: '子女',
  parent: '父母',
  grandchild: '孙辈',
  grandparent: '祖辈',
  sibling: '兄弟姐妹',
  other: '其他',
}

/** 政策落实到户, in order: explained 已宣讲 → applied 已申请 → received 已享受. */
export const DELIVERY_ORDER: DeliveryStatus[] = ['explained', 'applied', 'received']

/** The steps a delivery may be recorded at: the current one again (a new note) or any later one
 * (a household may apply unprompted); never back (domain/policy.py advance). */
export function deliveryChoices(current: DeliveryStatus | null | undefined): DeliveryStatus[] {
  const from = current ? DELIVERY_ORDER.indexOf(current) : 0
  return DELIVERY_ORDER.slice(from)
}

/** The next step after the current one (the dialog's default), or null once received. */
export function nextDelivery(current: DeliveryStatus | null | undefined): DeliveryStatus | null {
  if (!current) return 'explained'
  return DELIVERY_ORDER[DELIVERY_ORDER.indexOf(current) + 1] ?? null
}

/** Which org levels may be made under a parent of this level (domain/org.py ALLOWED_PARENT),
 * the usual one first (the form's default). */
export const CHILD_LEVELS: Record<Schemas['OrgLevel'], Schemas['OrgLevel'][]> = {
  county: ['township', 'county'],
  township: ['village', 'community'],
  village: ['grid', 'party_group'],
  community: ['grid', 'party_group'],
  grid: ['party_group'],
  party_group: [],
}

/** A code's label from a /meta/enums list, the code itself when unknown. */
export function labelOf(list: Label[], code: string | null | undefined): string {
  if (code == null) return '—'
  return list.find((l) => l.code === code)?.label ?? code
}
