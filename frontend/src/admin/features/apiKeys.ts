import { unwrap, type Schemas } from '../../api'
import { api } from '../../shared/session'
import { useLoader, type BodyOf } from './paging'

/** API 密钥: keys other platforms call the API with. */
export type ApiKey = Schemas['ApiKeyOut']

/** The new key with its secret: in this one answer only. */
export function createApiKey(body: BodyOf<'/api/v1/api-keys', 'post'>) {
  return unwrap(api.POST('/api/v1/api-keys', { body }))
}

export function revokeApiKey(id: number): Promise<unknown> {
  return unwrap(api.DELETE('/api/v1/api-keys/{key_id}', { params: { path: { key_id: id } } }))
}

/** The keys page's list. */
export function useApiKeys() {
  return useLoader(() => unwrap(api.GET('/api/v1/api-keys')), [] as ApiKey[])
}
