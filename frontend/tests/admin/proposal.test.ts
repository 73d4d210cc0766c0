import { describe, expect, it } from 'vitest'
import { violationLine, type Violation } from '../../src/admin/lib/proposal'

const v = (over: Partial<Violation>): Violation => ({
  code: 'assignment.load_above_max',
  message: '联系 16 户，超过上限 15 户',
  member_id: 7,
  household_id: null,
  member_name: null,
  household_name: null,
  ...over,
})

describe('a violation in the review', () => {
  it('names the member once: the server’s named message as it is', () => {
    const named = v({ member_name: '张三', message: '党员 张三：联系 16 户，超过上限 15 户' })
    expect(violationLine(named, () => '张三')).toBe('党员 张三：联系 16 户，超过上限 15 户')
  })
  it('names the member of an unnamed one from the roster', () => {
    expect(violationLine(v({}), () => '李四')).toBe('党员 李四：联系 16 户，超过上限 15 户')
  })
  it('says a household’s violation as it is', () => {
    expect(violationLine(v({ member_id: null, message: '该户没有联系党员' }), () => '')).toBe('该户没有联系党员')
  })
})
