import { describe, expect, it } from 'vitest'
import { overridesOf, tuningField, tuningOf } from '../../src/admin/lib/schemeTuning'

const preset = { households_min: 3, households_max: 8, visit_cadence_days: 14, must_attend_deadline_hours: 48, checklist_period_months: 3 }

describe('scheme tuning', () => {
  it('shows the parameters in force and sends only what differs from the preset', () => {
    const tuning = tuningOf({ ...preset, visit_cadence_days: 10, other: 'x' })
    expect(tuning.visit_cadence_days).toBe(10)
    expect(overridesOf(tuning, preset)).toEqual({ visit_cadence_days: 10 })
    expect(overridesOf(tuningOf(preset), preset)).toEqual({})
    expect(overridesOf({ ...tuningOf(preset), households_max: 12 }, preset)).toEqual({ households_max: 12 })
  })

  it("finds the field a server error names, with or without the overrides prefix", () => {
    expect(tuningField('overrides.households_max')).toBe('households_max')
    expect(tuningField('households_max')).toBe('households_max')
    expect(tuningField('body.overrides.visit_cadence_days')).toBe('visit_cadence_days')
    expect(tuningField('scheme')).toBe(null)
  })
})
