export { makeClient, refreshLock, unwrap, type Api, type ClientOptions, type RefreshLock } from './client'
export { indexedDbRotations, type RotationStore } from './rotations'
export { ApiError, isTryLater, NetworkError, SessionExpired, toProblem, type Problem } from './errors'
export { localTokenStore, type Tokens, type TokenStore } from './tokens'
export type { components, paths } from './schema'
export type Schemas = import('./schema').components['schemas']
