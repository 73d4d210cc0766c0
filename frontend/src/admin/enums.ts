import { reactive } from 'vue'
import { unwrap, type Schemas } from '../api'
import { api } from '../shared/session'

/** /api/v1/meta/enums (roles, levels, categories, exemption reasons with their Chinese labels),
 * loaded once per page and shared by the forms. */
export const enums = reactive<Schemas['EnumsOut']>({
  org_levels: [],
  member_roles: [],
  account_roles: [],
  exemption_reasons: [],
  categories: [],
})

let loading: Promise<void> | null = null

export function loadEnums(): Promise<void> {
  if (enums.org_levels.length) return Promise.resolve()
  loading ??= unwrap(api.GET('/api/v1/meta/enums'))
    .then((out) => {
      Object.assign(enums, out)
    })
    .finally(() => {
      loading = null
    })
  return loading
}
