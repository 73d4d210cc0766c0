import { unwrap } from '../../api'
import { api } from '../../shared/session'
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
