import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../src/api'
import { allOrgUnits, collect, importFile } from '../../src/admin/api'
import { tokens } from '../../src/shared/session'

const problem = {
  type: 'https://lianhu.org/problems/import/rows_invalid',
  title: '数据校验未通过',
  status: 422,
  detail: '文件中有 1 处错误，未导入任何数据',
  code: 'import.rows_invalid',
  field: 'file',
  errors: [
    {
      field: 'size',
      message: '家庭人口应为 1 到 99 的整数：三口',
      code: 'import.bad_size',
      row: 3,
      column: '家庭人口',
    },
  ],
}

function respond(status: number, body: unknown, type = 'application/json'): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': type },
  })
}

function fakeFetch(...answers: Response[]) {
  const seen: Request[] = []
  const fn = vi.fn(async (input: Request) => {
    seen.push(input)
    return answers.shift() ?? respond(500, 'no answer left', 'text/plain')
  })
  vi.stubGlobal('fetch', fn)
  return seen
}

afterEach(() => {
  vi.unstubAllGlobals()
  tokens.set(null)
})

describe('importFile', () => {
  it('posts the file as multipart/form-data with the bearer token', async () => {
    tokens.set({ access_token: 'A', refresh_token: 'R' } as never)
    const seen = fakeFetch(respond(200, { kind: 'households', rows: 3, created: 3, updated: 0, ignored_columns: [] }))
    const out = await importFile('households', new File(['户编号\nH1\n'], 'households.csv', { type: 'text/csv' }))
    expect(out.created).toBe(3)
    const req = seen[0]
    expect(new URL(req.url).pathname).toBe('/api/v1/imports/households')
    expect(req.headers.get('Authorization')).toBe('Bearer A')
    expect(req.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/)
    const form = await req.formData()
    const file = form.get('file') as File
    expect(file.name).toBe('households.csv')
    expect(await file.text()).toBe('户编号\nH1\n')
  })

  it('turns the row errors into a typed ApiError', async () => {
    fakeFetch(respond(422, problem, 'application/problem+json'))
    const err = await importFile('households', new File(['x'], 'a.csv')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('import.rows_invalid')
    expect((err as ApiError).errors[0]).toMatchObject({ row: 3, column: '家庭人口' })
  })
})

describe('paging helpers', () => {
  it('follows pages of 500 until the total', async () => {
    const unit = (id: number) => ({ id, name: `u${id}` })
    const seen = fakeFetch(
      respond(200, { data: Array.from({ length: 500 }, (_, i) => unit(i)), total: 501, limit: 500, offset: 0 }),
      respond(200, { data: [unit(500)], total: 501, limit: 500, offset: 500 }),
    )
    expect(await allOrgUnits()).toHaveLength(501)
    expect(seen.map((r) => new URL(r.url).searchParams.get('offset'))).toEqual(['0', '500'])
  })

  it('collect stops at the maximum asked for', async () => {
    const calls: [number, number][] = []
    const rows = await collect(async (limit, offset) => {
      calls.push([limit, offset])
      return { data: Array.from({ length: limit }, (_, i) => offset + i), total: 10_000 }
    }, 700)
    expect(rows).toHaveLength(700)
    expect(calls).toEqual([
      [500, 0],
      [200, 500],
    ])
  })
})
