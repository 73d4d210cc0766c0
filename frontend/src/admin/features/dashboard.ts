import { ref, shallowRef, watch } from 'vue'
import { unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
import { messageOf, type OrgUnit } from '../api'
import { mapLimit } from '../lib/async'
import { areasUnder } from '../lib/orgTree'
import { loadOrgs, orgs, rootOrgId } from './orgs'
import type { QueryOf } from './paging'

/** 统计看板 and 工作台: an area's compliance (达标), its 五到户 checklist, its idle contact members
 * and how far its households are covered by contact members. */
export interface Coverage {
  households: number
  covered: number
  members: number
  uncovered: { count: number }
  under_loaded: { count: number }
  over_loaded: { count: number }
  vulnerable_without_cadre: { count: number }
  exempt_members: { count: number }
}

const at = (orgId: number) => ({ params: { path: { org_id: orgId } } })

export function complianceOf(orgId: number) {
  return unwrap(api.GET('/api/v1/org-units/{org_id}/compliance', at(orgId)))
}

export function checklistOf(orgId: number) {
  return unwrap(api.GET('/api/v1/org-units/{org_id}/checklist', at(orgId)))
}

export function idleMembers(orgId: number, query: QueryOf<'/api/v1/org-units/{org_id}/compliance/idle-members'> = {}) {
  return unwrap(
    api.GET('/api/v1/org-units/{org_id}/compliance/idle-members', { params: { path: { org_id: orgId }, query } }),
  )
}

export async function coverageOf(orgId: number): Promise<Coverage> {
  return (await unwrap(api.GET('/api/v1/org-units/{org_id}/coverage', at(orgId)))) as unknown as Coverage
}

type Compliance = Schemas['ComplianceOut']

/** One area directly under the one shown: a row of the table and a bar of each chart (null: it
 * could not be read, shown as —). */
export interface AreaRow {
  unit: OrgUnit
  compliance: Compliance | null
  coverage: Coverage | null
}

/** The contact members with no visit this month are paged 20 at a time. */
export const IDLE_PAGE = 20

/**
 * 统计看板: the chosen area's compliance and checklist, its first page of idle members, and a row
 * for each area directly under it (read four at a time; one that fails shows as — and the others
 * still show). Choosing another area reads it all again.
 */
export function useDashboard() {
  const area = ref<number | undefined>()
  const rows = shallowRef<AreaRow[]>([])
  const overall = ref<Compliance | null>(null)
  const checklist = ref<Schemas['AreaChecklistOut'] | null>(null)
  /** The contact members with no visit this month, the longest idle first (one page). */
  const idle = ref<Schemas['IdleMemberPage'] | null>(null)
  const idleOffset = ref(0)
  const loading = ref(false)
  const error = ref('')

  async function load() {
    if (!area.value) return
    const unit = orgs.byId.get(area.value)
    if (!unit) return
    loading.value = true
    error.value = ''
    try {
      const villages = areasUnder(unit, orgs.list)
      idleOffset.value = 0
      const [all, list, idlePage, perVillage] = await Promise.all([
        complianceOf(unit.id),
        checklistOf(unit.id),
        idleMembers(unit.id, { limit: IDLE_PAGE }),
        mapLimit(villages, 4, async (v) => {
          const [compliance, coverage] = await Promise.all([
            complianceOf(v.id).catch(() => null),
            coverageOf(v.id).catch(() => null),
          ])
          return { unit: v, compliance, coverage }
        }),
      ])
      overall.value = all
      checklist.value = list
      idle.value = idlePage
      rows.value = perVillage
    } catch (err) {
      error.value = messageOf(err)
    } finally {
      loading.value = false
    }
  }

  /** Another page (1-based) of the idle members. */
  async function idlePage(page: number) {
    if (!area.value) return
    idleOffset.value = (page - 1) * IDLE_PAGE
    try {
      idle.value = await idleMembers(area.value, { limit: IDLE_PAGE, offset: idleOffset.value })
    } catch (err) {
      error.value = messageOf(err)
    }
  }

  /** The page opens on the caller's own area. */
  async function start() {
    try {
      await loadOrgs()
      area.value = rootOrgId()
    } catch (err) {
      error.value = messageOf(err)
    }
  }

  watch(area, load)

  return { area, rows, overall, checklist, idle, idleOffset, loading, error, load, idlePage, start }
}
