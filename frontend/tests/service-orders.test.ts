import { describe, expect, it } from 'vitest'
import { checkNote, NOTE_MAX } from '../src/field/serviceOrders'
import { ORDER_STATUSES, orderStatusType } from '../src/admin/features/serviceOrders'

describe('service orders', () => {
  it('asks for a note of what was done before 完成服务', () => {
    expect(checkNote('  ')).toBe('请填写服务情况')
    expect(checkNote('x'.repeat(NOTE_MAX + 1))).toBe(`最多 ${NOTE_MAX} 个字`)
    expect(checkNote('已更换水管')).toBe('')
  })

  it('names every status and marks the ones waiting on the grid', () => {
    expect(ORDER_STATUSES.map((s) => s.code)).toEqual(['ordered', 'dispatched', 'taken', 'done', 'rated', 'cancelled'])
    expect(orderStatusType('ordered')).toBe('danger')
    expect(orderStatusType('rated')).toBe('success')
  })
})
