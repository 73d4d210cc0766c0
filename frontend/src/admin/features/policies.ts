import { reactive, ref, watch } from 'vue'
import { unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
import { messageOf } from '../api'
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

/** The policies page: the area's policies, the one chosen, and a page of the households it may
 * reach, by eligibility (可享受 and 待核实 first shown). Choosing another area starts over. */
export function usePolicies() {
  const area = ref<number | undefined>()
  const policies = ref<Policy[]>([])
  const policy = ref<Policy | null>(null)
  const matches = ref<Schemas['MatchPage'] | null>(null)
  const eligibility = ref<Schemas['Eligibility'][]>(['eligible', 'unknown'])
  const page = reactive({ limit: 20, offset: 0 })
  const error = ref('')
  const loading = ref(false)

  async function loadPolicies() {
    policies.value = []
    policy.value = null
    matches.value = null
    if (!area.value) return
    try {
      policies.value = await listPolicies(area.value)
    } catch (err) {
      error.value = messageOf(err)
    }
  }

  async function loadMatches() {
    if (!policy.value) return
    loading.value = true
    error.value = ''
    try {
      matches.value = await policyMatches(policy.value.id, {
        org_id: area.value,
        eligibility: eligibility.value,
        limit: page.limit,
        offset: page.offset,
      })
    } catch (err) {
      error.value = messageOf(err)
    } finally {
      loading.value = false
    }
  }

  function choose(p: Policy) {
    policy.value = p
    page.offset = 0
    void loadMatches()
  }

  watch(area, loadPolicies)
  watch(eligibility, () => {
    page.offset = 0
    void loadMatches()
  })

  return {
    area,
    policies,
    policy,
    matches,
    eligibility,
    page,
    error,
    loading,
    loadPolicies,
    loadMatches,
    choose,
    goTo(pageNo: number) {
      page.offset = (pageNo - 1) * page.limit
      void loadMatches()
    },
  }
}
