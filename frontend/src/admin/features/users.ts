import { reactive, ref } from 'vue'
import { unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
import { mapLimit } from '../lib/async'
import { getMember } from './members'
import { usePagedList, type BodyOf } from './paging'

/** 账户管理: the console's accounts. */
export type User = Schemas['UserOut']

export function createUser(body: BodyOf<'/api/v1/users', 'post'>): Promise<User> {
  return unwrap(api.POST('/api/v1/users', { body }))
}

export function updateUser(id: number, body: BodyOf<'/api/v1/users/{user_id}', 'patch'>): Promise<User> {
  return unwrap(api.PATCH('/api/v1/users/{user_id}', { params: { path: { user_id: id } }, body }))
}

export function unlockUser(id: number): Promise<unknown> {
  return unwrap(api.POST('/api/v1/users/{user_id}/unlock', { params: { path: { user_id: id } } }))
}

/** The accounts page: the list searched by account name, and the names of the linked members
 * (UserOut names a member by id only: each fetched once; one out of reach keeps its number). */
export function useUsers() {
  const q = ref('')
  const memberNames = reactive(new Map<number, string>())

  async function loadMemberNames(users: User[]) {
    const ids = [
      ...new Set(users.map((u) => u.member_id).filter((id): id is number => id != null && !memberNames.has(id))),
    ]
    await mapLimit(ids, 4, async (id) => {
      const m = await getMember(id).catch(() => null)
      if (m) memberNames.set(id, m.name)
    })
  }

  const list = usePagedList(
    ({ limit, offset }) =>
      unwrap(api.GET('/api/v1/users', { params: { query: { q: q.value.trim() || undefined, limit, offset } } })),
    { loaded: (out) => void loadMemberNames(out.data) },
  )
  return { ...list, q, memberNames }
}
