import createClient, { type Client } from 'openapi-fetch'
import { ApiError, NetworkError, retryAfterSeconds, SessionExpired, toProblem } from './errors'
import type { paths } from './schema'
import type { Tokens, TokenStore } from './tokens'

export type Api = Client<paths>

export interface ClientOptions {
  tokens: TokenStore
  baseUrl?: string
  /** The transport (tests pass a fake); openapi-fetch always hands it a Request. */
  fetch?: (input: Request) => Promise<Response>
  /** Called once when the refresh token is refused: the app goes back to its login page. */
  onSessionExpired?: () => void
}

const NO_AUTH = ['/api/v1/auth/login', '/api/v1/auth/refresh']

/**
 * The typed client with the bearer token, and one refresh on a 401: the refresh token is
 * single-use (rotated on every refresh, api/routers/auth.py), so concurrent 401s share one
 * refresh call instead of racing and revoking each other.
 */
export function makeClient(opts: ClientOptions): Api {
  const baseFetch = opts.fetch ?? ((input: Request) => globalThis.fetch(input))
  let refreshing: Promise<Tokens | null> | null = null

  async function refresh(): Promise<Tokens | null> {
    const current = opts.tokens.get()
    if (!current?.refresh_token) return null
    const res = await send(
      new Request(new URL('/api/v1/auth/refresh', origin()), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: current.refresh_token }),
      }),
    )
    if (!res.ok) {
      // Any refusal (expired, revoked, malformed) means this login is over; 5xx is not.
      if (res.status >= 400 && res.status < 500) return null
      throw new ApiError(toProblem(res.status, await readBody(res)), retryAfterSeconds(res))
    }
    const fresh = (await res.json()) as Tokens
    opts.tokens.set(fresh)
    return fresh
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
    const res = await send(withToken(input, opts.tokens.get()))
    if (res.status !== 401 || !opts.tokens.get()?.refresh_token) return res
    refreshing ??= refresh().finally(() => {
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
