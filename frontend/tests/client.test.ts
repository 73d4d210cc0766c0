import { describe, expect, it, vi } from 'vitest'
import { IDBFactory } from 'fake-indexeddb'
import { ApiError, NetworkError, SessionExpired, indexedDbRotations, makeClient, unwrap, type Tokens } from '../src/api'

const BASE = 'http://test.local'

function tokens(access: string, refresh: string): Tokens {
  return {
    access_token: access,
    refresh_token: refresh,
    expires_in: 900,
    role: 'member',
    org_id: 1,
    member_id: 7,
    token_type: 'bearer',
  } as Tokens
}

function memoryStore(initial: Tokens | null) {
  let value = initial
  return { get: () => value, set: (t: Tokens | null) => void (value = t) }
}

function json(status: number, body: unknown, type = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } })
}

const problem = (status: number, code: string, field?: string) => ({
  type: `https://lianhu.org/problems/${code}`,
  title: '数据校验未通过',
  status,
  detail: `${field}: 不能为空`,
  code,
  field,
  errors: field ? [{ field: `body.${field}`, message: '不能为空', code: 'missing' }] : [],
})

describe('the API client', () => {
  it('sends the bearer token of the stored login', async () => {
    const fetch = vi.fn(async (req: Request) => {
      expect(req.headers.get('Authorization')).toBe('Bearer A1')
      return json(200, { actor: 'member', org_path: '/1/', permissions: [], member_id: 7 })
    })
    const api = makeClient({ baseUrl: BASE, tokens: memoryStore(tokens('A1', 'R1')), fetch })
    const me = await unwrap(api.GET('/api/v1/auth/me'))
    expect(me.member_id).toBe(7)
  })

  it('refreshes once on a 401, rotates the tokens and replays the request with its body', async () => {
    const store = memoryStore(tokens('old', 'R1'))
    const seen: string[] = []
    const fetch = vi.fn(async (req: Request) => {
      const path = new URL(req.url).pathname
      seen.push(`${path} ${req.headers.get('Authorization') ?? ''}`)
      if (path === '/api/v1/auth/refresh') {
        expect(await req.json()).toEqual({ refresh_token: 'R1' })
        return json(200, tokens('new', 'R2'))
      }
      if (req.headers.get('Authorization') === 'Bearer old') return json(401, problem(401, 'auth.expired'))
      expect(await req.json()).toEqual({ operations: [] })
      return json(200, { applied: 0, duplicate: 0, rejected: 0, results: [] })
    })
    const api = makeClient({ baseUrl: BASE, tokens: store, fetch })
    const out = await unwrap(api.POST('/api/v1/sync/batch', { body: { operations: [] } }))
    expect(out.applied).toBe(0)
    expect(store.get()?.refresh_token).toBe('R2')
    expect(seen).toEqual(['/api/v1/sync/batch Bearer old', '/api/v1/auth/refresh ', '/api/v1/sync/batch Bearer new'])
  })

  it('shares one refresh between concurrent 401s (the refresh token is single-use)', async () => {
    const store = memoryStore(tokens('old', 'R1'))
    let refreshes = 0
    const fetch = vi.fn(async (req: Request) => {
      if (new URL(req.url).pathname === '/api/v1/auth/refresh') {
        refreshes += 1
        await new Promise((r) => setTimeout(r, 5))
        return json(200, tokens('new', `R${refreshes + 1}`))
      }
      if (req.headers.get('Authorization') === 'Bearer old') return json(401, problem(401, 'auth.expired'))
      return json(200, { actor: 'm', org_path: '/', permissions: [], member_id: 7 })
    })
    const api = makeClient({ baseUrl: BASE, tokens: store, fetch })
    await Promise.all([1, 2, 3].map(() => unwrap(api.GET('/api/v1/auth/me'))))
    expect(refreshes).toBe(1)
  })

  it('lets two pages of one browser refresh in turn: the second uses the tokens the first got', async () => {
    // The server's rule: a refresh token is single-use, and a spent one coming back revokes the
    // whole login (reuse detection). Both pages share the stored tokens, as tabs share localStorage.
    const server = { valid: 'R1', access: 'A1', revoked: false, refreshes: 0 }
    const fetch = vi.fn(async (req: Request) => {
      if (new URL(req.url).pathname === '/api/v1/auth/refresh') {
        const { refresh_token } = (await req.json()) as { refresh_token: string }
        await new Promise((r) => setTimeout(r, 5))
        if (server.revoked || refresh_token !== server.valid) {
          server.revoked = true
          return json(401, problem(401, 'auth.invalid_token'))
        }
        server.refreshes += 1
        server.valid = `R${server.refreshes + 1}`
        server.access = `A${server.refreshes + 1}`
        return json(200, tokens(server.access, server.valid))
      }
      if (server.revoked || req.headers.get('Authorization') !== `Bearer ${server.access}`)
        return json(401, problem(401, 'auth.expired'))
      return json(200, { actor: 'm', org_path: '/', permissions: [], member_id: 7 })
    })
    let held: Promise<unknown> = Promise.resolve()
    const lock = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = held.then(fn, fn)
      held = run.catch(() => undefined)
      return run
    }
    const store = memoryStore(tokens('A0', 'R1'))
    const pages = [1, 2].map(() => makeClient({ baseUrl: BASE, tokens: store, fetch, lock }))
    const out = await Promise.all(pages.flatMap((api) => [1, 2].map(() => unwrap(api.GET('/api/v1/auth/me')))))
    expect(out.map((me) => me.member_id)).toEqual([7, 7, 7, 7])
    expect(server.refreshes).toBe(1)
    expect(server.revoked).toBe(false)
    expect(store.get()?.refresh_token).toBe('R2')
  })

  it('hands a rotation to a page that still reads the spent token (localStorage lags between tabs)', async () => {
    const server = { valid: 'R1', access: 'A1', revoked: false, refreshes: 0 }
    const fetch = vi.fn(async (req: Request) => {
      if (new URL(req.url).pathname === '/api/v1/auth/refresh') {
        const { refresh_token } = (await req.json()) as { refresh_token: string }
        if (server.revoked || refresh_token !== server.valid) {
          server.revoked = true
          return json(401, problem(401, 'auth.invalid_token'))
        }
        server.refreshes += 1
        server.valid = `R${server.refreshes + 1}`
        server.access = `A${server.refreshes + 1}`
        return json(200, tokens(server.access, server.valid))
      }
      if (server.revoked || req.headers.get('Authorization') !== `Bearer ${server.access}`)
        return json(401, problem(401, 'auth.expired'))
      return json(200, { actor: 'm', org_path: '/', permissions: [], member_id: 7 })
    })
    const lock = <T>(fn: () => Promise<T>): Promise<T> => fn() // the calls below are one after the other
    const rotations = indexedDbRotations(new IDBFactory())
    // Two tabs, each still reading the expired tokens: the second does not see the first's write.
    const [first, second] = [1, 2].map(() =>
      makeClient({ baseUrl: BASE, tokens: memoryStore(tokens('A0', 'R1')), fetch, lock, rotations }),
    )
    expect((await unwrap(first.GET('/api/v1/auth/me'))).member_id).toBe(7)
    expect((await unwrap(second.GET('/api/v1/auth/me'))).member_id).toBe(7)
    expect(server.refreshes).toBe(1)
    expect(server.revoked).toBe(false)
  })

  it('forgets the login and reports it when the refresh token is refused', async () => {
    const store = memoryStore(tokens('old', 'R1'))
    const expired = vi.fn()
    const fetch = vi.fn(async () => json(401, problem(401, 'auth.invalid_token')))
    const api = makeClient({ baseUrl: BASE, tokens: store, fetch, onSessionExpired: expired })
    await expect(api.GET('/api/v1/auth/me')).rejects.toBeInstanceOf(SessionExpired)
    expect(store.get()).toBeNull()
    expect(expired).toHaveBeenCalledOnce()
  })

  it('turns problem+json into a typed error with the field names', async () => {
    const fetch = vi.fn(async () => json(422, problem(422, 'request.validation', 'notes'), 'application/problem+json'))
    const api = makeClient({ baseUrl: BASE, tokens: memoryStore(tokens('A', 'R')), fetch })
    const err = await unwrap(api.GET('/api/v1/auth/me')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    const e = err as ApiError
    expect([e.status, e.code, e.field]).toEqual([422, 'request.validation', 'notes'])
    expect(e.fieldMessages()).toEqual({ notes: '不能为空' })
  })

  it('turns an answer that is not a problem (a proxy page) into one', async () => {
    const fetch = vi.fn(async () => new Response('<html>Bad Gateway</html>', { status: 502 }))
    const api = makeClient({ baseUrl: BASE, tokens: memoryStore(null), fetch })
    const err = (await unwrap(api.GET('/api/v1/auth/me')).catch((e: unknown) => e)) as ApiError
    expect([err.status, err.code]).toEqual([502, 'http.502'])
  })

  it('reports a failed network as NetworkError, not as an answer', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch')
    })
    const api = makeClient({ baseUrl: BASE, tokens: memoryStore(tokens('A', 'R')), fetch })
    await expect(api.GET('/api/v1/auth/me')).rejects.toBeInstanceOf(NetworkError)
  })
})
