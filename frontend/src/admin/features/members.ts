import { reactive } from 'vue'
import { unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
import { usePagedList, type BodyOf, type QueryOf } from './paging'

/** 党员: the register of Party members, and what a member's 联户 record holds (requests, ties,
 * elderly partners). */
export type Member = Schemas['MemberOut']
export type MemberQuery = QueryOf<'/api/v1/members'>

export function listMembers(query: MemberQuery = {}) {
  return unwrap(api.GET('/api/v1/members', { params: { query } }))
}

export function getMember(id: number): Promise<Member> {
  return unwrap(api.GET('/api/v1/members/{member_id}', { params: { path: { member_id: id } } }))
}

export function createMember(body: BodyOf<'/api/v1/members', 'post'>): Promise<Member> {
  return unwrap(api.POST('/api/v1/members', { body }))
}

export function updateMember(id: number, body: BodyOf<'/api/v1/members/{member_id}', 'patch'>): Promise<Member> {
  return unwrap(api.PATCH('/api/v1/members/{member_id}', { params: { path: { member_id: id } }, body }))
}

export function deleteMember(id: number): Promise<unknown> {
  return unwrap(api.DELETE('/api/v1/members/{member_id}', { params: { path: { member_id: id } } }))
}

export function elderlyPartners(id: number) {
  return unwrap(api.GET('/api/v1/members/{member_id}/elderly-partners', { params: { path: { member_id: id } } }))
}

export function memberRequests(id: number) {
  return unwrap(api.GET('/api/v1/members/{member_id}/requests', { params: { path: { member_id: id } } }))
}

export function saveMemberRequests(id: number, householdIds: number[]) {
  return unwrap(
    api.PUT('/api/v1/members/{member_id}/requests', {
      params: { path: { member_id: id } },
      body: { household_ids: householdIds },
    }),
  )
}

export function memberTies(id: number) {
  return unwrap(api.GET('/api/v1/members/{member_id}/ties', { params: { path: { member_id: id } } }))
}

export type TieKind = BodyOf<'/api/v1/members/{member_id}/ties', 'post'>['kind']

export function addMemberTie(id: number, householdId: number, kind: TieKind) {
  return unwrap(
    api.POST('/api/v1/members/{member_id}/ties', {
      params: { path: { member_id: id } },
      body: { household_id: householdId, kind },
    }),
  )
}

export function removeMemberTie(id: number, householdId: number, kind: TieKind): Promise<unknown> {
  return unwrap(
    api.DELETE('/api/v1/members/{member_id}/ties/{household_id}/{kind}', {
      params: { path: { member_id: id, household_id: householdId, kind } },
    }),
  )
}

export interface MemberFilters {
  org_id: number | undefined
  role: Schemas['MemberRole'] | undefined
  exempt: boolean | undefined
  in_service: boolean | undefined
  q: string
}

/** The members page: its filters and the paged, sortable list. */
export function useMembers(orgId?: number) {
  const filters = reactive<MemberFilters>({
    org_id: orgId,
    role: undefined,
    exempt: undefined,
    in_service: undefined,
    q: '',
  })
  const list = usePagedList(
    ({ limit, offset, sort }) =>
      listMembers({
        org_id: filters.org_id,
        role: filters.role,
        exempt: filters.exempt,
        in_service: filters.in_service,
        q: filters.q.trim() || undefined,
        limit,
        offset,
        sort: sort as MemberQuery['sort'],
      }),
    { sortable: ['name', 'birth_date'] },
  )
  return { ...list, filters }
}
