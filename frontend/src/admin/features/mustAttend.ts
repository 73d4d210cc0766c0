import { unwrap } from '../../api'
import { api } from '../../shared/session'
import type { BodyOf, QueryOf } from './paging'

/** 必到事项 (五必到): events reported on a household that its contact member must attend. */
export function areaEvents(orgId: number, query: QueryOf<'/api/v1/org-units/{org_id}/events'> = {}) {
  return unwrap(api.GET('/api/v1/org-units/{org_id}/events', { params: { path: { org_id: orgId }, query } }))
}

export function reportEvent(householdId: number, body: BodyOf<'/api/v1/households/{household_id}/events', 'post'>) {
  return unwrap(
    api.POST('/api/v1/households/{household_id}/events', { params: { path: { household_id: householdId } }, body }),
  )
}

export function cancelEvent(id: number, reason: string): Promise<unknown> {
  return unwrap(api.POST('/api/v1/events/{event_id}/cancel', { params: { path: { event_id: id } }, body: { reason } }))
}
