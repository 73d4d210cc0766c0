import type { components } from './schema'

export type Problem = components['schemas']['Problem']
export type FieldError = components['schemas']['FieldError']

/** An error the API answered with application/problem+json (RFC 9457), kept typed. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field: string | null
  readonly errors: FieldError[]
  readonly problem: Problem
  /** Seconds the server asked to wait before trying again (its Retry-After), if it said. */
  readonly retryAfter: number | null

  constructor(problem: Problem, retryAfter: number | null = null) {
    super(problem.detail || problem.title)
    this.name = 'ApiError'
    this.problem = problem
    this.retryAfter = retryAfter
    this.status = problem.status
    this.code = problem.code
    this.field = problem.field ?? null
    this.errors = problem.errors ?? []
  }

  /** Messages by field name (the last segment of a pointer such as ``body.notes``). */
  fieldMessages(): Record<string, string> {
    const out: Record<string, string> = {}
    const entries = this.errors.length ? this.errors : [{ field: this.field, message: this.message } as FieldError]
    for (const e of entries) {
      if (!e.field) continue
      const name = e.field
        .split('.')
        .filter((p) => p !== 'body')
        .join('.')
      out[name] ??= e.message
    }
    return out
  }
}

/** The server cannot serve now but will (503: its database restarting; 502 and 504: a gateway
 * without it): the same request is sent again later, nothing is refused or dropped. */
export function isTryLater(err: unknown): err is ApiError {
  return err instanceof ApiError && [502, 503, 504].includes(err.status)
}

/** A Retry-After header in seconds (its HTTP-date form is not used by this server). */
export function retryAfterSeconds(res: Response): number | null {
  const value = Number(res.headers.get('Retry-After') ?? '')
  return res.headers.has('Retry-After') && Number.isFinite(value) && value >= 0 ? value : null
}

/** The network failed (offline, server down): the request never got an answer. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('网络不可用')
    this.name = 'NetworkError'
    this.cause = cause
  }
}

/** The login is gone (refresh token expired or revoked): the user must log in again. */
export class SessionExpired extends Error {
  constructor() {
    super('登录已过期，请重新登录')
    this.name = 'SessionExpired'
  }
}

/** Any non-problem body (a proxy's HTML page, an empty 502) as a problem all the same. */
export function toProblem(status: number, body: unknown): Problem {
  if (body && typeof body === 'object' && 'code' in body && 'status' in body) {
    return body as Problem
  }
  return {
    type: 'about:blank',
    title: `HTTP ${status}`,
    status,
    detail: typeof body === 'string' && body ? body.slice(0, 200) : `服务器返回 ${status}`,
    code: `http.${status}`,
    errors: [],
  }
}
