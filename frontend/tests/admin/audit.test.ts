import { describe, expect, it } from 'vitest'
import { auditDiff, shown } from '../../src/admin/lib/audit'
import { AUDIT_ACTIONS } from '../../src/admin/lib/format'

describe('auditDiff', () => {
  it('lists only the fields that changed, named in Chinese', () => {
    const before = { id: 3, head_name: '赵一', size: 3, phone: '*******5678', categories: ['party_member'] }
    const after = { id: 3, head_name: '赵一', size: 5, phone: '*******1234', categories: ['party_member'] }
    expect(auditDiff(before, after)).toEqual([
      { field: 'size', label: '家庭人口', before: '3', after: '5' },
      { field: 'phone', label: '电话', before: '*******5678', after: '*******1234' },
    ])
  })

  it('shows every field of a creation and a deletion, and an unknown field by its code', () => {
    expect(auditDiff(null, { head_name: '冯九', rows: 4, foo: true })).toEqual([
      { field: 'head_name', label: '户主姓名', before: '—', after: '冯九' },
      { field: 'rows', label: '行数', before: '—', after: '4' },
      { field: 'foo', label: 'foo', before: '—', after: '是' },
    ])
    expect(auditDiff({ code: 'x' }, null)).toEqual([{ field: 'code', label: '编码', before: 'x', after: '—' }])
  })

  it('compares nested values whole and shows them readably', () => {
    expect(auditDiff({ location: [30.1, 120.2] }, { location: [30.1, 120.2] })).toEqual([])
    expect(shown(['低保', '五保'])).toBe('低保、五保')
    expect(shown([])).toBe('—')
    expect(shown({ a: 1 })).toBe('{"a":1}')
  })
})

describe('AUDIT_ACTIONS', () => {
  it('names a publish and an amendment by their names, not 修改', () => {
    expect(AUDIT_ACTIONS.publish).toBe('发布')
    expect(AUDIT_ACTIONS.amend).toBe('补充更正')
  })
})
