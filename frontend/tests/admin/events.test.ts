import { describe, expect, it } from 'vitest'
import {
  STATUS_TAG,
  countByStatus,
  deadlineHours,
  eventBody,
  eventKinds,
  hoursText,
  sortEvents,
  cancellable,
  cancelReasonError,
  timing,
  type MustAttendEvent,
} from '../../src/admin/lib/events'

function event(over: Partial<MustAttendEvent>): MustAttendEvent {
  return {
    id: 1,
    household_id: 10,
    member_id: 5,
    kind: '生病住院',
    note: '',
    reported_by: 'user:admin',
    reported_at: '2026-11-20T00:00:00Z',
    deadline: '2026-11-22T00:00:00Z',
    visit_id: null,
    attended_at: null,
    status: 'open',
    status_label: '待到场',
    head_name: '赵一',
    area_name: '第1网格',
    member_name: '张三',
    reported_to_member_id: 7,
    reported_to_name: '张三',
    reported_by_name: '李书记',
    cancelled_at: null,
    cancelled_by: null,
    cancel_reason: '',
    ...over,
  }
}

describe('the branch sees late and missed attendance first', () => {
  it('orders missed, late, open, attended; the earliest deadline first within each', () => {
    const list = [
      event({ id: 1, status: 'attended', deadline: '2026-11-01T00:00:00Z' }),
      event({ id: 2, status: 'open', deadline: '2026-11-25T00:00:00Z' }),
      event({ id: 3, status: 'late' }),
      event({ id: 4, status: 'open', deadline: '2026-11-24T00:00:00Z' }),
      event({ id: 5, status: 'missed' }),
    ]
    expect(sortEvents(list).map((e) => e.id)).toEqual([5, 3, 4, 2, 1])
    expect(list[0].id).toBe(1) // the input is not reordered
  })

  it('counts each status and colours missed red and late orange', () => {
    const counts = countByStatus([event({ status: 'missed' }), event({ status: 'missed' }), event({ status: 'late' })])
    expect(counts).toEqual({ missed: 2, late: 1, open: 0, attended: 0, cancelled: 0 })
    expect(STATUS_TAG.missed).toBe('danger')
    expect(STATUS_TAG.late).toBe('warning')
  })
})

describe('timing against the deadline', () => {
  const now = new Date('2026-11-21T19:00:00Z')
  it('says how long is left for an open event', () => {
    expect(timing(event({}), now)).toBe('剩余 5 小时')
  })
  it('says how long a missed event is overdue', () => {
    expect(timing(event({ deadline: '2026-11-19T18:00:00Z' }), now)).toBe('已逾期 2 天 1 小时')
  })
  it('says how late an attendance came, or that it was on time', () => {
    expect(timing(event({ attended_at: '2026-11-22T03:30:00Z' }), now)).toBe('迟到 3 小时')
    expect(timing(event({ attended_at: '2026-11-21T03:30:00Z' }), now)).toBe('按时到场')
  })
  it('words short and whole-day spans', () => {
    expect(hoursText(20 * 60_000)).toBe('不到 1 小时')
    expect(hoursText(48 * 3_600_000)).toBe('2 天')
  })
})

describe('the report form', () => {
  it('takes the kinds and deadline from the area scheme params', () => {
    const params = { must_attend_events: ['红白大事', '邻里纠纷', 3], must_attend_deadline_hours: 48 }
    expect(eventKinds(params)).toEqual(['红白大事', '邻里纠纷'])
    expect(deadlineHours(params)).toBe(48)
    expect(eventKinds({})).toEqual([])
    expect(deadlineHours(null)).toBeNull()
  })
  it('sends the kind and a trimmed note, not the household (it is in the path)', () => {
    expect(eventBody({ household_id: 3, kind: ' 生病住院 ', note: '  住院一周 ' })).toEqual({
      kind: '生病住院',
      note: '住院一周',
    })
  })
})

describe('withdrawing a wrong report', () => {
  it('is offered while nobody has attended, not for an attended or withdrawn one', () => {
    expect(cancellable(event({ status: 'open' }))).toBe(true)
    expect(cancellable(event({ status: 'missed' }))).toBe(true)
    expect(cancellable(event({ status: 'attended', attended_at: '2026-11-21T00:00:00Z' }))).toBe(false)
    expect(cancellable(event({ status: 'late', attended_at: '2026-11-23T00:00:00Z' }))).toBe(false)
    expect(cancellable(event({ status: 'cancelled', cancelled_at: '2026-11-20T01:00:00Z' }))).toBe(false)
  })
  it('needs a reason of 2 to 500 characters', () => {
    expect(cancelReasonError('')).toBe('请写明撤销原因（至少 2 个字）')
    expect(cancelReasonError(' 误 ')).toBe('请写明撤销原因（至少 2 个字）')
    expect(cancelReasonError('误报')).toBeNull()
    expect(cancelReasonError('误'.repeat(501))).toBe('撤销原因不能超过 500 字')
  })
  it('a withdrawn event sorts last and says so instead of a deadline', () => {
    const gone = event({
      id: 2,
      status: 'cancelled',
      cancelled_at: '2026-11-20T01:00:00Z',
      deadline: '2026-11-21T00:00:00Z',
    })
    const open = event({ id: 3, status: 'open' })
    expect(sortEvents([gone, open]).map((e) => e.id)).toEqual([3, 2])
    expect(timing(gone, new Date('2026-11-25T00:00:00Z'))).toBe('已撤销')
  })
})
