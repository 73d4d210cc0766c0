import { unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
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
