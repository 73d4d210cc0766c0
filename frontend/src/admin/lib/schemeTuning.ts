/** The scheme parameters a unit may tune in the console (the rest through the API): each with
 * its label, unit and bounds as domain/schemes/model.py checks them. */
export const TUNABLE = [
  { key: 'households_min', label: '每人最少联系', unit: '户', min: 0, max: 500 },
  { key: 'households_max', label: '每人最多联系', unit: '户', min: 1, max: 500 },
  { key: 'visit_cadence_days', label: '走访周期', unit: '天', min: 1, max: 365 },
  { key: 'must_attend_deadline_hours', label: '必到事项时限', unit: '小时', min: 1, max: 720 },
  { key: 'checklist_period_months', label: '清单周期', unit: '个月', min: 1, max: 12 },
  { key: 'issue_warn_percent', label: '问题预警比例', unit: '%', min: 1, max: 99 },
] as const

export type TunableKey = (typeof TUNABLE)[number]['key']
export type Tuning = Record<TunableKey, number | null>

/** The values shown, from the parameters in force. */
export function tuningOf(params: Record<string, unknown>): Tuning {
  const out = {} as Tuning
  for (const { key } of TUNABLE) {
    const v = params[key]
    out[key] = typeof v === 'number' ? v : null
  }
  return out
}

/** The overrides to send: what differs from the chosen preset's own parameters (so choosing a
 * preset again with nothing changed sends none, and a tuned value equal to the preset's is no
 * override). */
export function overridesOf(tuning: Tuning, preset: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const { key } of TUNABLE) {
    const v = tuning[key]
    if (v !== null && v !== preset[key]) out[key] = v
  }
  return out
}

/** A server error's field (`overrides.households_max` or the parameter itself) as the form's. */
export function tuningField(pointer: string | null | undefined): TunableKey | null {
  const key = (pointer ?? '').replace(/^body\./, '').replace(/^overrides\./, '')
  return TUNABLE.some((t) => t.key === key) ? (key as TunableKey) : null
}

/** Where a figure of a scheme comes from (`figures` of GET /schemes and …/scheme). */
export type Figure = {
  basis: 'seed' | 'default' | 'local'
  basis_label: string
  label: string
  quote?: string | null
  note?: string | null
}

export type FigureRow = Figure & { key: string; value: string; tag: 'success' | 'info' | 'warning' }

const TAGS = { seed: 'success', default: 'info', local: 'warning' } as const

function shown(v: unknown): string {
  if (v === null || v === undefined) return '—'
  if (typeof v === 'boolean') return v ? '是' : '否'
  if (Array.isArray(v)) return v.length ? v.join('、') : '—'
  return String(v)
}

/** Each figure with its value as shown and its basis: 依据 (the seed's words, quoted), 默认 (ours,
 * for the county to tune) or 本地设置; a mapping's entries (`meeting_cadence_days.analysis`) one
 * by one. */
export function figureRows(params: Record<string, unknown>, figures: Record<string, Figure>): FigureRow[] {
  return Object.entries(figures).map(([key, f]) => {
    const [name, entry] = key.split('.', 2)
    const raw = params[name]
    const value = entry !== undefined && raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[entry] : raw
    return { ...f, key, value: shown(value), tag: TAGS[f.basis] ?? 'info' }
  })
}
