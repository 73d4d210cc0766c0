import { unwrap } from '../../api'
import { api } from '../../shared/session'
import { visitRows, type VisitRow } from '../lib/visits'
import { householdContacts } from './households'
import { useLoader } from './paging'

/** 民情日志: a household's visits, each named by its member (the household's contact members give
 * the names; without them the ids stay). */
export async function householdVisitRows(id: number) {
  const [visits, contacts] = await Promise.all([
    unwrap(api.GET('/api/v1/households/{household_id}/visits', { params: { path: { household_id: id } } })),
    householdContacts(id).catch(() => []),
  ])
  return visitRows(visits, new Map(contacts.map((c) => [c.member_id, c.member_name])))
}

/** A household's 民情日志 tab. */
export function useHouseholdVisits() {
  return useLoader(householdVisitRows, [] as VisitRow[])
}
