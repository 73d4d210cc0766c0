import type { FieldError } from '../../api/errors'

/**
 * The import wizard's grid: the uploaded CSV with the server's per-row errors (problem+json
 * `errors`: row as Excel numbers it, column as the canonical Chinese header) placed on the cells.
 */

export type ImportKind = 'households' | 'members' | 'org_units'

/** Header aliases by field, mirrored from domain/importing.py COLUMNS (first = canonical label). */
export const COLUMNS: Record<ImportKind, Record<string, string[]>> = {
  org_units: {
    code: ['组织编码', '编码', 'code'],
    name: ['组织名称', '名称', 'name'],
    level: ['层级', '级别', 'level'],
    parent: ['上级编码', '上级组织编码', 'parent_code'],
    external_id: ['外部编号', 'external_id'],
  },
  members: {
    external_id: ['党员编号', '外部编号', 'external_id'],
    name: ['姓名', 'name'],
    org: ['所属组织', '组织编码', '所属支部', 'org_code'],
    role: ['角色', '职务', 'role'],
    gender: ['性别', 'gender'],
    birth_date: ['出生日期', 'birth_date'],
    phone: ['手机号', '联系电话', '电话', 'phone'],
    lat: ['纬度', 'lat'],
    lng: ['经度', 'lng'],
    skills: ['特长', '技能', 'skills'],
    in_service: ['在职党员', 'in_service'],
    reported: ['报到社区', 'reported_community_code'],
    exempt_reason: ['免除联户原因', 'exempt_reason'],
    exempt_by: ['免除决定人', 'exempt_decided_by'],
    exempt_on: ['免除日期', 'exempt_decided_on'],
    exempt_note: ['免除备注', 'exempt_note'],
  },
  households: {
    external_id: ['户编号', '外部编号', 'external_id'],
    head_name: ['户主姓名', '户主', '姓名', 'head_name'],
    grid: ['所属网格', '网格编码', '网格', 'grid_code'],
    building: ['楼栋', 'building'],
    address: ['地址', '家庭住址', 'address'],
    size: ['家庭人口', '人口', 'size'],
    phone: ['手机号', '联系电话', '电话', 'phone'],
    lat: ['纬度', 'lat'],
    lng: ['经度', 'lng'],
    categories: ['户类', '类别', 'categories'],
  },
}

/** Columns the server refuses a file without (domain/importing.py, required=True). */
export const REQUIRED: Record<ImportKind, string[]> = {
  org_units: ['code', 'name', 'level'],
  members: ['external_id', 'name', 'org'],
  households: ['external_id', 'head_name', 'grid'],
}

/** An empty register to fill in: the canonical Chinese headers, required columns first. */
export function templateHeader(kind: ImportKind): string[] {
  const fields = Object.keys(COLUMNS[kind])
  const ordered = [...REQUIRED[kind], ...fields.filter((f) => !REQUIRED[kind].includes(f))]
  return ordered.map((f) => COLUMNS[kind][f][0])
}

/** The unit a file's reference column points at, by its 组织编码 (not its name: names repeat,
 * 第1网格 is in every village), with an example from the caller's own units when one has a code. */
export function referenceHint(kind: ImportKind, units: readonly { level: string; code?: string | null }[]): string {
  const levels: Record<ImportKind, string[]> = {
    households: ['grid'],
    members: ['village', 'community', 'grid', 'party_group', 'township'],
    org_units: ['township', 'village', 'community', 'county'],
  }
  const column: Record<ImportKind, string> = { households: '所属网格', members: '所属组织', org_units: '上级编码' }
  const example = units.find((u) => u.code && levels[kind].includes(u.level))?.code
  const unit = kind === 'households' ? '网格' : '组织'
  return `“${column[kind]}”填写${unit}的组织编码${example ? `（如 ${example}）` : ''}，不是名称；编码见组织架构页。`
}

export const KIND_LABELS: Record<ImportKind, string> = {
  households: '农户',
  members: '党员',
  org_units: '组织',
}

export interface GridRow {
  /** The row number the server reports (header = 1). */
  number: number
  cells: string[]
  /** Messages by column index. */
  cellErrors: Record<number, string[]>
  /** Messages about the row that name no column of the file. */
  rowErrors: string[]
}

export interface Grid {
  header: string[]
  rows: GridRow[]
  /** Errors about the whole file (no row), e.g. a missing required column. */
  fileErrors: string[]
  errorCount: number
}

/** The index of the file's column an error names (by its header label or its field), or -1. */
export function columnIndex(kind: ImportKind, header: string[], error: FieldError): number {
  const trimmed = header.map((h) => h.trim())
  const names = new Set<string>()
  if (error.column) names.add(error.column)
  const aliases = error.field ? COLUMNS[kind][error.field] : undefined
  for (const [, list] of Object.entries(COLUMNS[kind])) {
    if (error.column && list.includes(error.column)) list.forEach((n) => names.add(n))
  }
  aliases?.forEach((n) => names.add(n))
  return trimmed.findIndex((h) => names.has(h) || names.has(h.toLowerCase()))
}

export function buildGrid(kind: ImportKind, rows: string[][], errors: FieldError[] = []): Grid {
  const [header = [], ...body] = rows
  const grid: Grid = {
    header,
    rows: body.map((cells, i) => ({ number: i + 2, cells: [...cells], cellErrors: {}, rowErrors: [] })),
    fileErrors: [],
    errorCount: errors.length,
  }
  // Short rows get empty cells up to the header's width so every column can be edited.
  for (const r of grid.rows) while (r.cells.length < header.length) r.cells.push('')
  for (const e of errors) {
    const row = e.row != null ? grid.rows[e.row - 2] : undefined
    if (!row) {
      grid.fileErrors.push(e.row != null ? `第 ${e.row} 行：${e.message}` : e.message)
      continue
    }
    const col = columnIndex(kind, header, e)
    if (col >= 0) (row.cellErrors[col] ??= []).push(e.message)
    else row.rowErrors.push(e.column ? `${e.column}：${e.message}` : e.message)
  }
  return grid
}

export function hasErrors(row: GridRow): boolean {
  return row.rowErrors.length > 0 || Object.keys(row.cellErrors).length > 0
}

/** The grid back to rows for the corrected upload: blank rows dropped, as the server skips them. */
export function gridRows(grid: Grid): string[][] {
  return [grid.header, ...grid.rows.map((r) => r.cells).filter((c) => c.some((v) => v.trim() !== ''))]
}

/** The kind of register a file's name suggests is not reliable; the type a browser gives is. */
export function fileFormat(file: { name: string; type?: string }): 'csv' | 'xlsx' | null {
  const name = file.name.toLowerCase()
  if (name.endsWith('.xlsx')) return 'xlsx'
  if (name.endsWith('.csv') || file.type === 'text/csv') return 'csv'
  return null
}
