import { describe, expect, it } from 'vitest'
import {
  contactPeriod,
  householdLabel,
  partnerSide,
  requestIds,
  sortContacts,
  tieLabel,
  type Contact,
} from '../../src/admin/lib/assignment'

const contact = (over: Partial<Contact>): Contact => ({
  member_id: 1,
  member_name: '王强',
  started_on: '2025-01-01',
  ended_on: null,
  reasons: [],
  ...over,
})

describe("a household's contact history", () => {
  it('puts the current contact on top, then the latest first', () => {
    const list = [
      contact({ member_id: 1, started_on: '2024-01-01', ended_on: '2025-01-01' }),
      contact({ member_id: 2, started_on: '2025-01-01', ended_on: null }),
      contact({ member_id: 3, started_on: '2024-06-01', ended_on: '2024-12-31' }),
    ]
    expect(sortContacts(list).map((c) => c.member_id)).toEqual([2, 3, 1])
  })
  it('says until when, or 至今', () => {
    expect(contactPeriod(contact({}))).toBe('2025-01-01 至 今')
    expect(contactPeriod(contact({ ended_on: '2026-01-01' }))).toBe('2025-01-01 至 2026-01-01')
  })
})

describe("a member's assignment inputs", () => {
  it('labels tie kinds with the assignment reasons, with fixed words before the enums load', () => {
    const reasons = [
      { code: 'kinship', label: '血缘相通' },
      { code: 'interest', label: '志趣相投' },
    ]
    expect(tieLabel(reasons, 'kinship')).toBe('血缘相通')
    expect(tieLabel([], 'interest')).toBe('志趣相投')
  })
  it('names the side of a 1+6+N pair', () => {
    expect(partnerSide('elderly')).toBe('结对的老党员')
    expect(partnerSide('contact')).toBe('联系本人的党员')
  })
  it('sends each requested household once, in the order chosen', () => {
    expect(requestIds([3, 1, 3, 2])).toEqual([3, 1, 2])
  })
  it('labels a household by head, area and number', () => {
    expect(householdLabel({ id: 9, head_name: '张三', external_id: 'H001' }, '一网格')).toBe('张三（一网格 · H001）')
    expect(householdLabel({ id: 9, head_name: '张三', external_id: null })).toBe('张三（#9）')
  })
})
