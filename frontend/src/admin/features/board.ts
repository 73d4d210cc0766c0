import { unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'

/** 党务公开栏: an area's board of who looks after whom, and the printable 联心卡 of its households. */
export function boardOf(orgId: number): Promise<Schemas['BoardOut']> {
  return unwrap(api.GET('/api/v1/org-units/{org_id}/board', { params: { path: { org_id: orgId } } }))
}

/** A short-lived link to the area's printable cards page. */
export function cardsLink(orgId: number) {
  return unwrap(api.POST('/api/v1/org-units/{org_id}/cards-link', { params: { path: { org_id: orgId } } }))
}
