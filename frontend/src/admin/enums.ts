import { reactive } from 'vue'
import { unwrap, type Schemas } from '../api'
import { api } from '../shared/session'

/** /api/v1/meta/enums (every code the console shows with its Chinese label: roles, levels,
 * permissions, categories, relations, delivery steps …), loaded once per page and shared. */
export const enums = reactive<Schemas['EnumsOut']>({
  org_levels: [],
  member_roles: [],
  account_roles: [],
  permissions: [],
  exemption_reasons: [],
  categories: [],
  relations: [],
  household_statuses: [],
  visit_modes: [],
  visit_flags: [],
  event_statuses: [],
  delivery_statuses: [],
  assignment_reasons: [],
  schemes: [],
  audit_actions: [],
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
