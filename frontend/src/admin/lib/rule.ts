/**
 * A policy's eligibility rule (资格规则) as the server reads it (domain/policy.py): a condition
 * {field, op, value} — categories with has / has_any / has_none, or size, max_age, min_age,
 * children, elderly compared with an integer — combined with {all: […]}, {any: […]}, {not: {…}}.
 *
 * The structured builder covers the common shape, one list of conditions joined by all or any
 * ("有 80 岁以上成员", "属于类别 低保"); anything else (not, nested groups) is edited as JSON.
 * The server stays the judge: it answers a bad rule with the exact place (rule.all[1].value).
 */

export type RuleJson = Record<string, unknown>
export type CategoryOp = 'has' | 'has_any' | 'has_none'
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>='
export type CompareField = 'size' | 'max_age' | 'min_age' | 'children' | 'elderly'
export type Join = 'all' | 'any'

export interface CategoryCondition {
  kind: 'categories'
  op: CategoryOp
  codes: string[]
}

export interface CompareCondition {
  kind: 'compare'
  field: CompareField
  op: CompareOp
  value: number | null
}

export type Condition = CategoryCondition | CompareCondition

export interface Builder {
  join: Join
  conditions: Condition[]
}

export const FIELD_LABELS: Record<CompareField, string> = {
  size: '家庭人口',
  max_age: '户内最年长者年龄',
  min_age: '户内最年幼者年龄',
  children: '未满18岁人数',
  elderly: '60岁及以上人数',
}

/** The integer each field accepts (domain/policy.py _RANGES). */
export const FIELD_RANGES: Record<CompareField, [number, number]> = {
  size: [0, 100],
  max_age: [0, 150],
  min_age: [0, 150],
  children: [0, 100],
  elderly: [0, 100],
}

export const COMPARE_OPS: { op: CompareOp; label: string }[] = [
  { op: '>=', label: '≥' },
  { op: '>', label: '>' },
  { op: '==', label: '=' },
  { op: '!=', label: '≠' },
  { op: '<=', label: '≤' },
  { op: '<', label: '<' },
]

export const CATEGORY_OPS: Record<CategoryOp, string> = { has: '含', has_any: '含任一', has_none: '不含' }

export const JOIN_LABELS: Record<Join, string> = { all: '同时满足全部条件', any: '满足任一条件' }

/** Ready-made conditions for the usual policies. */
export const PRESETS: { label: string; condition: () => Condition }[] = [
  { label: '有 80 岁以上成员', condition: () => ({ kind: 'compare', field: 'max_age', op: '>=', value: 80 }) },
  { label: '有 60 岁以上成员', condition: () => ({ kind: 'compare', field: 'elderly', op: '>=', value: 1 }) },
  { label: '有未成年子女', condition: () => ({ kind: 'compare', field: 'children', op: '>=', value: 1 }) },
  { label: '属于类别 低保', condition: () => ({ kind: 'categories', op: 'has', codes: ['dibao'] }) },
  { label: '属于类别 五保', condition: () => ({ kind: 'categories', op: 'has', codes: ['wubao'] }) },
  { label: '家庭人口 ≥ 3', condition: () => ({ kind: 'compare', field: 'size', op: '>=', value: 3 }) },
]

export function emptyBuilder(): Builder {
  return { join: 'all', conditions: [] }
}

function conditionToJson(c: Condition): RuleJson {
  if (c.kind === 'categories') {
    return { field: 'categories', op: c.op, value: c.op === 'has' ? (c.codes[0] ?? '') : [...c.codes] }
  }
  return { field: c.field, op: c.op, value: c.value }
}

/** The builder as the rule JSON: one condition stands alone, several go in all / any. */
export function toRule(b: Builder): RuleJson {
  if (b.conditions.length === 1) return conditionToJson(b.conditions[0])
  return { [b.join]: b.conditions.map(conditionToJson) }
}

const isObject = (x: unknown): x is RuleJson => typeof x === 'object' && x !== null && !Array.isArray(x)
const COMPARE_FIELDS = Object.keys(FIELD_LABELS) as CompareField[]

function conditionFromJson(x: unknown): Condition | null {
  if (!isObject(x) || Object.keys(x).some((k) => !['field', 'op', 'value'].includes(k))) return null
  const { field, op, value } = x
  if (field === 'categories') {
    if (op === 'has' && typeof value === 'string') return { kind: 'categories', op, codes: [value] }
    if ((op === 'has_any' || op === 'has_none') && Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      return { kind: 'categories', op, codes: [...(value as string[])] }
    }
    return null
  }
  if (!COMPARE_FIELDS.includes(field as CompareField)) return null
  if (!COMPARE_OPS.some((o) => o.op === op)) return null
  if (typeof value !== 'number' || !Number.isInteger(value)) return null
  return { kind: 'compare', field: field as CompareField, op: op as CompareOp, value }
}

/** The rule in the builder, or null when it needs the JSON editor (not, nested groups, or
 * anything the server would refuse). */
export function fromRule(rule: unknown): Builder | null {
  if (!isObject(rule)) return null
  const keys = Object.keys(rule)
  if (keys.length === 1 && (keys[0] === 'all' || keys[0] === 'any')) {
    const items = rule[keys[0]]
    if (!Array.isArray(items) || items.length === 0) return null
    const conditions = items.map(conditionFromJson)
    if (conditions.some((c) => c === null)) return null
    return { join: keys[0], conditions: conditions as Condition[] }
  }
  const one = conditionFromJson(rule)
  return one ? { join: 'all', conditions: [one] } : null
}

/** What the builder lacks before it can be sent, by condition (the row shows it; -1: the
 * builder as a whole). */
export function checkBuilder(b: Builder): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = []
  if (b.conditions.length === 0) out.push({ index: -1, message: '请至少添加一个条件' })
  b.conditions.forEach((c, index) => {
    if (c.kind === 'categories') {
      if (c.codes.length === 0) out.push({ index, message: '请选择户类' })
      else if (c.codes.length > 20) out.push({ index, message: '最多选 20 个户类' })
      return
    }
    const [low, high] = FIELD_RANGES[c.field]
    if (c.value === null || !Number.isInteger(c.value) || c.value < low || c.value > high) {
      out.push({ index, message: `${FIELD_LABELS[c.field]}须是 ${low}–${high} 的整数` })
    }
  })
  return out
}

/** The JSON editor's text as a rule, or a Chinese message saying why not. */
export function parseRuleText(text: string): { rule: RuleJson } | { error: string } {
  if (!text.trim()) return { error: '请填写资格规则' }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    return { error: `不是有效的 JSON：${err instanceof Error ? err.message : String(err)}` }
  }
  if (!isObject(data)) return { error: '资格规则须是一个 JSON 对象，如 {"field": "max_age", "op": ">=", "value": 80}' }
  return { rule: data }
}

export function ruleText(rule: unknown): string {
  return JSON.stringify(rule, null, 2)
}

/** The builder row a server pointer names: rule.all[1].value → 1; a lone condition → 0. */
export function conditionIndex(pointer: string | null | undefined, b: Builder): number | null {
  if (!pointer) return null
  const m = pointer.match(/^rule\.(all|any)\[(\d+)\]/)
  if (m) return m[1] === b.join && Number(m[2]) < b.conditions.length ? Number(m[2]) : null
  if (b.conditions.length === 1 && /^rule\.(field|op|value)$/.test(pointer)) return 0
  return null
}

const SHOWN_OP: Record<string, string> = Object.fromEntries(COMPARE_OPS.map((o) => [o.op, o.label]))

/** The rule in plain Chinese, as the server prints it on the card (a preview while editing). */
export function describe(rule: unknown, labels: Record<string, string> = {}): string {
  if (!isObject(rule)) return '（无效规则）'
  if (Array.isArray(rule.all)) return `（${rule.all.map((r) => describe(r, labels)).join(' 且 ')}）`
  if (Array.isArray(rule.any)) return `（${rule.any.map((r) => describe(r, labels)).join(' 或 ')}）`
  if ('not' in rule) return `并非${describe(rule.not, labels)}`
  const c = conditionFromJson(rule)
  if (!c) return '（无效条件）'
  if (c.kind === 'categories') return `户类${CATEGORY_OPS[c.op]}${c.codes.map((x) => labels[x] ?? x).join('、')}`
  return `${FIELD_LABELS[c.field]} ${SHOWN_OP[c.op]} ${c.value}`
}
