import { computed, reactive, ref, watch } from 'vue'
import { ApiError, unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
import { messageOf } from '../api'
import {
  TUNABLE,
  figureRows,
  overridesOf,
  tuningField,
  tuningOf,
  type FigureRow,
  type TunableKey,
  type Tuning,
} from '../lib/schemeTuning'
import { orgs } from './orgs'
import type { BodyOf } from './paging'

/** 联户模式: the catalogue of schemes, and the one an area follows (its own or inherited). */
export type EffectiveScheme = Schemas['EffectiveSchemeOut']

export function listSchemes() {
  return unwrap(api.GET('/api/v1/schemes'))
}

/** The scheme in force for the area; 404 scheme.not_selected when none is chosen here or above. */
export function schemeOf(orgId: number): Promise<EffectiveScheme> {
  return unwrap(api.GET('/api/v1/org-units/{org_id}/scheme', { params: { path: { org_id: orgId } } }))
}

export function setScheme(orgId: number, body: BodyOf<'/api/v1/org-units/{org_id}/scheme', 'put'>) {
  return unwrap(api.PUT('/api/v1/org-units/{org_id}/scheme', { params: { path: { org_id: orgId } }, body }))
}

/** Drop the area's own choice: it follows the level above again. */
export function clearScheme(orgId: number): Promise<unknown> {
  return unwrap(api.DELETE('/api/v1/org-units/{org_id}/scheme', { params: { path: { org_id: orgId } } }))
}

/**
 * 联户模式 of one org unit (`orgId()`, read again when it changes): the scheme in force (its own
 * choice or inherited from above), the preset chosen with the unit's own values of its main
 * parameters (saved as overrides: what differs from the preset), and dropping the unit's own
 * choice. A refusal naming a parameter goes under it (`fieldErrors`), any other to `error`.
 */
export function useScheme(orgId: () => number) {
  const schemes = ref<Schemas['SchemeOut'][]>([])
  const effective = ref<EffectiveScheme | null>(null)
  const chosen = ref<Schemas['SchemeCode'] | undefined>()
  const loading = ref(false)
  const error = ref('')
  const busy = ref(false)
  const tuning = reactive<Tuning>(tuningOf({}))
  const fieldErrors = reactive<Partial<Record<TunableKey, string>>>({})

  // defined_at lists the units whose settings make up the scheme in force, from the top.
  const own = computed(() => effective.value?.defined_at.includes(orgId()) ?? false)
  const source = computed(() => {
    const ids = effective.value?.defined_at ?? []
    // A unit above the caller's own area is not theirs to see by name (nor by its internal id).
    const names = ids.filter((id) => id !== orgId()).map((id) => orgs.byId.get(id)?.name ?? '上级组织')
    return [...new Set(names)].join('、')
  })
  const params = computed(() => effective.value?.params ?? {})
  // Each figure in force with its basis: 依据 (the seed's words), 默认 (ours, to tune), 本地设置.
  const figures = computed<FigureRow[]>(() =>
    effective.value ? figureRows(effective.value.params, effective.value.figures) : [],
  )
  const preset = computed(() => schemes.value.find((s) => s.code === chosen.value)?.params ?? {})
  const pending = computed(() => overridesOf(tuning, preset.value))
  // This unit's own setting, shown as it is: nothing to save.
  const unchanged = computed(() => {
    const now = tuningOf(params.value)
    return own.value && chosen.value === effective.value?.code && TUNABLE.every((t) => tuning[t.key] === now[t.key])
  })

  async function load() {
    error.value = ''
    effective.value = null
    loading.value = true
    try {
      effective.value = await schemeOf(orgId())
    } catch (err) {
      // 404 scheme.not_selected: nothing chosen here or above yet.
      if (!(err instanceof ApiError && err.status === 404)) error.value = messageOf(err)
    } finally {
      loading.value = false
    }
    chosen.value = effective.value?.code
    Object.assign(tuning, tuningOf(effective.value?.params ?? {}))
  }

  /** The unit's scheme and the catalogue of the five presets. */
  async function start() {
    void load()
    try {
      schemes.value = await listSchemes()
    } catch (err) {
      error.value = messageOf(err)
    }
  }

  // Another preset chosen: its own values are shown, to be tuned from there.
  watch(chosen, (code, before) => {
    if (before !== undefined && code !== effective.value?.code) Object.assign(tuning, tuningOf(preset.value))
  })
  watch(orgId, load)

  /** The chosen preset with the tuned values as this unit's own; the scheme now in force, or
   * null when refused (or none chosen). */
  async function save(): Promise<EffectiveScheme | null> {
    if (!chosen.value) {
      error.value = '请选择联户模式'
      return null
    }
    busy.value = true
    error.value = ''
    for (const key of Object.keys(fieldErrors) as TunableKey[]) delete fieldErrors[key]
    try {
      effective.value = await setScheme(orgId(), { scheme: chosen.value, overrides: pending.value })
      Object.assign(tuning, tuningOf(effective.value.params))
      return effective.value
    } catch (err) {
      // A level below whose own figures would no longer fit: the alert names it (the field is
      // that level's, not one of this form's).
      const below = err instanceof ApiError && err.code === 'scheme.conflicts_below'
      const key = err instanceof ApiError && !below ? tuningField(err.field) : null
      if (key) fieldErrors[key] = err instanceof ApiError ? err.message : ''
      else error.value = messageOf(err)
      return null
    } finally {
      busy.value = false
    }
  }

  /** Drop this unit's own choice; true when dropped (the inherited scheme is then shown). */
  async function clear(): Promise<boolean> {
    busy.value = true
    error.value = ''
    try {
      await clearScheme(orgId())
      await load()
      return true
    } catch (err) {
      error.value = messageOf(err)
      return false
    } finally {
      busy.value = false
    }
  }

  return {
    schemes,
    effective,
    chosen,
    loading,
    error,
    busy,
    tuning,
    fieldErrors,
    own,
    source,
    params,
    figures,
    preset,
    pending,
    unchanged,
    load,
    start,
    save,
    clear,
  }
}
