import { describe, expect, it } from 'vitest'
import {
  buildGrid,
  columnIndex,
  fileFormat,
  gridRows,
  hasErrors,
  referenceHint,
  templateHeader,
} from '../../src/admin/lib/importGrid'

const rows = [
  ['户编号', '户主', '网格', '家庭人口'],
  ['H1', '张三', 'G1', '3'],
  ['H2', '', 'G1', 'abc'],
  ['H3', '王五', 'G9'],
]

describe('buildGrid', () => {
  it('places each error on its row and column, matching the canonical header to the alias used', () => {
    const grid = buildGrid('households', rows, [
      { row: 3, column: '户主姓名', field: 'head_name', message: '必填', code: 'required' },
      { row: 3, column: '家庭人口', field: 'size', message: '应为整数', code: 'int' },
      { row: 4, column: '所属网格', field: 'grid', message: '找不到网格 G9', code: 'org' },
    ])
    expect(grid.header).toEqual(rows[0])
    expect(grid.rows.map((r) => r.number)).toEqual([2, 3, 4])
    expect(grid.rows[1].cellErrors).toEqual({ 1: ['必填'], 3: ['应为整数'] })
    expect(grid.rows[2].cellErrors).toEqual({ 2: ['找不到网格 G9'] })
    expect(grid.rows.map(hasErrors)).toEqual([false, true, true])
    // short rows are padded so every column can be edited
    expect(grid.rows[2].cells).toEqual(['H3', '王五', 'G9', ''])
    expect(grid.errorCount).toBe(3)
  })

  it('keeps errors without a column on the row, and errors without a row for the file', () => {
    const grid = buildGrid('households', rows, [
      { row: 2, column: null, field: null, message: '户编号重复', code: 'dup' },
      { row: null, column: '户主姓名', field: 'head_name', message: '缺少必填列', code: 'missing' },
      { row: 99, column: null, field: null, message: '越界', code: 'x' },
    ])
    expect(grid.rows[0].rowErrors).toEqual(['户编号重复'])
    expect(grid.fileErrors).toEqual(['缺少必填列', '第 99 行：越界'])
  })

  it('gives the edited rows back without blank rows', () => {
    const grid = buildGrid('households', [...rows, ['', '', '', '']])
    grid.rows[1].cells[1] = '李四'
    const out = gridRows(grid)
    expect(out).toHaveLength(4)
    expect(out[2]).toEqual(['H2', '李四', 'G1', 'abc'])
  })
})

describe('columnIndex', () => {
  it('finds a column by field when the header uses an English alias', () => {
    expect(
      columnIndex('members', ['external_id', 'name', 'org_code'], { field: 'org', column: '所属组织', message: 'x' }),
    ).toBe(2)
    expect(columnIndex('members', ['姓名'], { field: 'phone', column: '手机号', message: 'x' })).toBe(-1)
  })
})

describe('fileFormat', () => {
  it('knows CSV and XLSX by name', () => {
    expect(fileFormat({ name: '农户.CSV' })).toBe('csv')
    expect(fileFormat({ name: 'a.xlsx' })).toBe('xlsx')
    expect(fileFormat({ name: 'a.xls' })).toBeNull()
  })
})

describe('templateHeader', () => {
  it('lists the canonical headers, required ones first', () => {
    const h = templateHeader('households')
    expect(h.slice(0, 3)).toEqual(['户编号', '户主姓名', '所属网格'])
    expect(h).toContain('户类')
    expect(templateHeader('org_units').slice(0, 3)).toEqual(['组织编码', '组织名称', '层级'])
    expect(templateHeader('members')).toHaveLength(16)
  })
})

describe('referenceHint', () => {
  const units = [
    { level: 'county', code: 'C01' },
    { level: 'village', code: 'C01-T01-V01' },
    { level: 'grid', code: null },
    { level: 'grid', code: 'C01-T01-V01-G1' },
  ]
  it("says a reference column takes a code, with one of the caller's own as the example", () => {
    expect(referenceHint('households', units)).toBe(
      '“所属网格”填写网格的组织编码（如 C01-T01-V01-G1），不是名称；编码见组织架构页。',
    )
    expect(referenceHint('members', units)).toContain('“所属组织”填写组织的组织编码（如 C01-T01-V01）')
    expect(referenceHint('org_units', [])).toBe('“上级编码”填写组织的组织编码，不是名称；编码见组织架构页。')
  })
})
