import type { components } from './schema'

export type Tokens = components['schemas']['TokenOut']

const KEY = 'lianhu.tokens'

/** Where the tokens live: localStorage, so a member logs in once and stays logged in. */
export interface TokenStore {
  get(): Tokens | null
  set(tokens: Tokens | null): void
}

export function localTokenStore(storage: Storage = localStorage, key = KEY): TokenStore {
  return {
    get() {
      const raw = storage.getItem(key)
      if (!raw) return null
      try {
        return JSON.parse(raw) as Tokens
      } catch {
        return null
      }
    },
    set(tokens) {
      if (tokens) storage.setItem(key, JSON.stringify(tokens))
      else storage.removeItem(key)
    },
  }
}
