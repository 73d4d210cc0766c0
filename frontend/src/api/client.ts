import createClient, { type Client } from 'openapi-fetch'
import { ApiError, NetworkError, retryAfterSeconds, SessionExpired, toProblem } from './errors'
import type { paths } from './schema'
import { indexedDbRotations, type RotationStore } from './rotations'
import type { Tokens, TokenStore } from './tokens'

export type Api = Client<paths>

export interface ClientOptions {
  tokens: TokenStore
  baseUrl?: string
  /** The transport (tests pass a fake); openapi-fetch always hands it a Request. */
  fetch?: (input: Request) => Promise<Response>
  /** Called once when the refresh token is refused: the app goes back to its login page. */
  onSessionExpired?: () => void
  /** Runs the refresh so that no other tab of this origin refreshes at the same time; default:
   * the Web Locks API where the browser has it (`refreshLock`). Tests pass their own. */
  lock?: RefreshLock
  /** Where a refresh records the tokens it got for the spent refresh token, for the other tabs
   * (`rotations.ts`); default: IndexedDB, when the Web Lock is used. */
  rotations?: RotationStore
}

/** Runs `fn` while holding the one refresh lock of this origin. */
export type RefreshLock = <T>(fn: () => Promise<T>) => Promise<T>

const NO_AUTH = ['/api/v1/auth/login', '/api/v1/auth/refresh']
const LOCK_NAME = 'lianhu.auth.refresh'

/**
 * The refresh lock across the tabs of one browser: `navigator.locks` (Web Locks API), which the
 * browser releases when the holder's tab closes. Without it (an old browser, a page that is not
 * a secure context, the unit tests' DOM) the refresh is still shared inside the page.
 */
export function refreshLock(): RefreshLock | undefined {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks
  if (!locks?.request) return undefined
  return <T>(fn: () => Promise<T>) => locks.request(LOCK_NAME, { mode: 'exclusive' }, fn) as Promise<T>
}

/**
 * The typed client with the bearer token, and one refresh on a 401. The refresh token is
 * single-use: the server rotates it on every refresh and takes a second use of a spent one for
 * theft, revoking the whole login (api/auth/router.py). So concurrent 401s of a page share one
 * refresh call, and the pages (tabs) of one browser, which share the tokens in localStorage, take
 * turns under one lock: inside it the stored tokens are read again (and the rotations another tab
 * recorded, rotations.ts), and when another tab has already rotated the refresh token the request
 * is replayed with its tokens, without a refresh.
 */
export function makeClient(opts: ClientOptions): Api {
  const baseFetch = opts.fetch ?? ((input: Request) => globalThis.fetch(input))
  const webLock = opts.lock ? undefined : refreshLock()
  const lock: RefreshLock = opts.lock ?? webLock ?? ((fn) => fn())
  const rotations = opts.rotations ?? (webLock ? indexedDbRotations() : undefined)
  let refreshing: Promise<Tokens | null> | null = null

  /** Fresh tokens for a request sent with `spent` that was answered 401, or null when the login
   * is over (the refresh token refused, or the login gone from storage). */
  function refresh(spent: Tokens): Promise<Tokens | null> {
    return lock(async () => {
      const current = opts.tokens.get()
      if (!current?.refresh_token) return null
      // Another tab (or an earlier refresh of this page) rotated the tokens meanwhile: use them.
      if (current.refresh_token !== spent.refresh_token) return current
      // The same, when this tab does not see the other tab's localStorage write yet.
      const handed = await rotations?.after(spent.refresh_token)
      if (handed) {
        opts.tokens.set(handed)
        return handed
      }
      const res = await send(
        new Request(new URL('/api/v1/auth/refresh', origin()), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ refresh_token: current.refresh_token }),
        }),
      )
      if (!res.ok) {
        // Any refusal (expired, revoked, malformed) means this login is over; 5xx is not.
        if (res.status >= 400 && res.status < 500) {
          opts.tokens.set(null)
          return null
        }
        throw new ApiError(toProblem(res.status, await readBody(res)), retryAfterSeconds(res))
      }
      const fresh = (await res.json()) as Tokens
      opts.tokens.set(fresh)
      await rotations?.record(current.refresh_token, fresh)
      return fresh
    })
  }

  function origin(): string {
    return opts.baseUrl || globalThis.location?.origin || 'http://localhost'
  }

  async function send(req: Request): Promise<Response> {
    try {
      return await baseFetch(req)
    } catch (err) {
      throw new NetworkError(err)
    }
  }

  function withToken(req: Request, tokens: Tokens | null): Request {
    const out = new Request(req)
    if (tokens?.access_token) out.headers.set('Authorization', `Bearer ${tokens.access_token}`)
    return out
  }

  async function authFetch(input: Request): Promise<Response> {
    const path = new URL(input.url).pathname
    if (NO_AUTH.includes(path)) return send(input)
    const retry = input.clone()
    const used = opts.tokens.get()
    const res = await send(withToken(input, used))
    if (res.status !== 401 || !used?.refresh_token || !opts.tokens.get()?.refresh_token) return res
    refreshing ??= refresh(used).finally(() => {
      refreshing = null
    })
    const fresh = await refreshing
    if (!fresh) {
      opts.tokens.set(null)
      opts.onSessionExpired?.()
      throw new SessionExpired()
    }
    return send(withToken(retry, fresh))
  }

  return createClient<paths>({ baseUrl: opts.baseUrl ?? '', fetch: authFetch })
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text()
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** openapi-fetch's `{data, error, response}` as the data, or a typed ApiError with the fields. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call
  if (error !== undefined || !response.ok) {
    throw new ApiError(toProblem(response.status, error), retryAfterSeconds(response))
  }
  return data as T
}
