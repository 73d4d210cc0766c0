import { unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
import type { BodyOf, QueryOf } from './paging'

/** 政策明白卡: an area's policies with their eligibility rules, the households each may reach, and
 * the delivery of a policy to a household (已宣讲 → 已申请 → 已享受). */
export type Policy = Schemas['PolicyOut']

export function listPolicies(orgId: number): Promise<Policy[]> {
  return unwrap(api.GET('/api/v1/org-units/{org_id}/policies', { params: { path: { org_id: orgId } } }))
}

export function createPolicy(orgId: number, body: BodyOf<'/api/v1/org-units/{org_id}/policies', 'post'>) {
  return unwrap(api.POST('/api/v1/org-units/{org_id}/policies', { params: { path: { org_id: orgId } }, body }))
}

export function updatePolicy(id: number, body: BodyOf<'/api/v1/policies/{policy_id}', 'patch'>) {
  return unwrap(api.PATCH('/api/v1/policies/{policy_id}', { params: { path: { policy_id: id } }, body }))
}

/** The households of the area the policy's rule reaches (by eligibility), a page of them. */
export function policyMatches(id: number, query: QueryOf<'/api/v1/policies/{policy_id}/households'>) {
  return unwrap(api.GET('/api/v1/policies/{policy_id}/households', { params: { path: { policy_id: id }, query } }))
}

export function recordDelivery(
  policyId: number,
  householdId: number,
  body: BodyOf<'/api/v1/policies/{policy_id}/households/{household_id}/delivery', 'put'>,
) {
  return unwrap(
    api.PUT('/api/v1/policies/{policy_id}/households/{household_id}/delivery', {
      params: { path: { policy_id: policyId, household_id: householdId } },
      body,
    }),
  )
}
