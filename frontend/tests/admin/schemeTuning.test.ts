import { describe, expect, it } from 'vitest'
import { figureRows, overridesOf, tuningField, tuningOf } from '../../src/admin/lib/schemeTuning'

const preset = {
  households_min: 3,
  households_max: 8,
  visit_cadence_days: 14,
  must_attend_deadline_hours: 48,
  checklist_period_months: 3,
}

describe('scheme tuning', () => {
  it('shows the parameters in force and sends only what differs from the preset', () => {
    const tuning = tuningOf({ ...preset, visit_cadence_days: 10, other: 'x' })
    expect(tuning.visit_cadence_days).toBe(10)
    expect(overridesOf(tuning, preset)).toEqual({ visit_cadence_days: 10 })
    expect(overridesOf(tuningOf(preset), preset)).toEqual({})
    expect(overridesOf({ ...tuningOf(preset), households_max: 12 }, preset)).toEqual({ households_max: 12 })
  })

  it('finds the field a server error names, with or without the overrides prefix', () => {
    expect(tuningField('overrides.households_max')).toBe('households_max')
    expect(tuningField('households_max')).toBe('households_max')
    expect(tuningField('body.overrides.visit_cadence_days')).toBe('visit_cadence_days')
    expect(tuningField('scheme')).toBe(null)
  })
})

describe("a scheme's figures (依据/默认)", () => {
  it('shows each figure with its value and its basis, a meeting entry by entry', () => {
    // seeds/huiji-1plus6plusN.txt gives the fortnight; the most households (15) are ours.
    const rows = figureRows(
      {
        visit_cadence_days: 14,
        households_max: 15,
        meeting_cadence_days: { analysis: 60 },
        checklist: ['a', 'b'],
        borrow_across_grids: false,
      },
      {
        visit_cadence_days: { basis: 'seed', basis_label: '依据', label: '走访周期（天）', quote: '每两周至少1次' },
        households_max: {
          basis: 'default',
          basis_label: '默认',
          label: '每人最多联系户数',
          note: '种子只规定“至少6户”',
        },
        'meeting_cadence_days.analysis': {
          basis: 'local',
          basis_label: '本地设置',
          label: '会议周期（天）：民情分析会',
        },
        checklist: { basis: 'seed', basis_label: '依据', label: '到户清单', quote: 'x' },
        borrow_across_grids: { basis: 'default', basis_label: '默认', label: '可跨网格借调党员' },
      },
    )
    expect(rows.map((r) => [r.key, r.value, r.tag])).toEqual([
      ['visit_cadence_days', '14', 'success'],
      ['households_max', '15', 'info'],
      ['meeting_cadence_days.analysis', '60', 'warning'],
      ['checklist', 'a、b', 'success'],
      ['borrow_across_grids', '否', 'info'],
    ])
    expect(rows[0].quote).toBe('每两周至少1次')
  })
})
