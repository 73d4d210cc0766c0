import { reactive } from 'vue'
import { unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
import { sortContacts, type Contact } from '../lib/assignment'
import { useLoader, usePagedList, type BodyOf, type QueryOf } from './paging'

/** 农户: the household register, a household's residents (家庭成员), its 联心卡 and its contact
 * members over time (联系党员). Its visits are in visits.ts. */
export type Household = Schemas['HouseholdOut']
export type HouseholdQuery = QueryOf<'/api/v1/households'>

export function listHouseholds(query: HouseholdQuery = {}) {
  return unwrap(api.GET('/api/v1/households', { params: { query } }))
}

export function getHousehold(id: number): Promise<Household> {
  return unwrap(api.GET('/api/v1/households/{household_id}', { params: { path: { household_id: id } } }))
}

export function createHousehold(body: BodyOf<'/api/v1/households', 'post'>): Promise<Household> {
  return unwrap(api.POST('/api/v1/households', { body }))
}

export function updateHousehold(id: number, body: BodyOf<'/api/v1/households/{household_id}', 'patch'>) {
  return unwrap(api.PATCH('/api/v1/households/{household_id}', { params: { path: { household_id: id } }, body }))
}

export function deleteHousehold(id: number): Promise<unknown> {
  return unwrap(api.DELETE('/api/v1/households/{household_id}', { params: { path: { household_id: id } } }))
}

export function householdResidents(id: number) {
  return unwrap(api.GET('/api/v1/households/{household_id}/residents', { params: { path: { household_id: id } } }))
}

export function saveHouseholdResidents(id: number, body: BodyOf<'/api/v1/households/{household_id}/residents', 'put'>) {
  return unwrap(
    api.PUT('/api/v1/households/{household_id}/residents', { params: { path: { household_id: id } }, body }),
  )
}

export function householdCard(id: number) {
  return unwrap(api.GET('/api/v1/households/{household_id}/card', { params: { path: { household_id: id } } }))
}

export function newCardToken(id: number) {
  return unwrap(api.POST('/api/v1/households/{household_id}/card-token', { params: { path: { household_id: id } } }))
}

export function revokeCardToken(id: number): Promise<unknown> {
  return unwrap(api.DELETE('/api/v1/households/{household_id}/card-token', { params: { path: { household_id: id } } }))
}

export function householdContacts(id: number) {
  return unwrap(api.GET('/api/v1/households/{household_id}/contacts', { params: { path: { household_id: id } } }))
}

/** A household's 联心卡 tab: what its card shows (read by the household's id). */
export function useHouseholdCard() {
  return useLoader(householdCard, null as Schemas['CardOut'] | null)
}

/** A household's 联系党员 history tab: the current contact first, then the past ones. */
export function useHouseholdContacts() {
  return useLoader(async (id: number) => sortContacts(await householdContacts(id)), [] as Contact[])
}

export interface HouseholdFilters {
  org_id: number | undefined
  category: string | undefined
  building: string
  q: string
  status: Schemas['HouseholdStatus'] | ''
}

/** The households page: its filters (在册 by default) and the paged, sortable list. */
export function useHouseholds(orgId?: number) {
  const filters = reactive<HouseholdFilters>({
    org_id: orgId,
    category: undefined,
    building: '',
    q: '',
    status: 'active',
  })
  const list = usePagedList(
    ({ limit, offset, sort }) =>
      listHouseholds({
        org_id: filters.org_id,
        category: filters.category || undefined,
        building: filters.building.trim() || undefined,
        status: filters.status || undefined,
        q: filters.q.trim() || undefined,
        limit,
        offset,
        sort: sort as HouseholdQuery['sort'],
      }),
    { sortable: ['head_name', 'size'] },
  )
  return { ...list, filters }
}
