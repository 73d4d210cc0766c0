import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../src/api'
import { defaultExportName, fetchExport, filenameFromDisposition } from '../../src/admin/lib/download'
import { tokens } from '../../src/shared/session'

afterEach(() => {
  vi.unstubAllGlobals()
  tokens.set(null)
})

function stubFetch(res: Response) {
  const seen: Request[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (req: Request) => {
      seen.push(req)
      return res
    }),
  )
  return seen
}

describe('the file name of an export', () => {
  it('reads the plain and the RFC 6266 UTF-8 forms, the UTF-8 one first', () => {
    expect(filenameFromDisposition('attachment; filename="households.csv"')).toBe('households.csv')
    expect(filenameFromDisposition('attachment; filename=members.xlsx')).toBe('members.xlsx')
    expect(
      filenameFromDisposition(`attachment; filename="households.csv"; filename*=UTF-8''%E5%86%9C%E6%88%B7.csv`),
    ).toBe('农户.csv')
  })
  it('drops path parts and refuses empty names', () => {
    expect(filenameFromDisposition('attachment; filename="../../etc/x.csv"')).toBe('x.csv')
    expect(filenameFromDisposition('attachment; filename=""')).toBeNull()
    expect(filenameFromDisposition('attachment')).toBeNull()
    expect(filenameFromDisposition(null)).toBeNull()
  })
  it('falls back to a Chinese name with the date', () => {
    expect(defaultExportName('households', 'xlsx', '2026-11-25')).toBe('农户名册-2026-11-25.xlsx')
    expect(defaultExportName('household_ledger', 'csv', '2026-11-25')).toBe('农户台账-2026-11-25.csv')
  })
})

describe('fetchExport', () => {
  it('sends the bearer token and the format, and keeps the server file name', async () => {
    tokens.set({ access_token: 'A', refresh_token: 'R' } as never)
    const seen = stubFetch(
      new Response('\ufeff户编号,户主\nH1,张三\n', {
        status: 200,
        headers: {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': 'attachment; filename="households.csv"',
        },
      }),
    )
    const file = await fetchExport('households', 'csv', 'gb18030')
    const url = new URL(seen[0].url)
    expect(url.pathname).toBe('/api/v1/exports/households')
    expect(url.searchParams.get('format')).toBe('csv')
    expect(url.searchParams.get('encoding')).toBe('gb18030')
    expect(seen[0].headers.get('Authorization')).toBe('Bearer A')
    expect(file.name).toBe('households.csv')
    expect(await file.blob.text()).toContain('张三')
  })

  it('fetches the household register (台账) from its own route', async () => {
    const seen = stubFetch(new Response('x', { status: 200, headers: { 'Content-Type': 'text/csv' } }))
    const file = await fetchExport('household_ledger', 'xlsx')
    const url = new URL(seen[0].url)
    expect(url.pathname).toBe('/api/v1/exports/household-ledger')
    expect(url.searchParams.get('format')).toBe('xlsx')
    expect(file.name).toMatch(/^农户台账-\d{4}-\d{2}-\d{2}\.xlsx$/)
  })

  it('names the file itself when the server does not', async () => {
    stubFetch(new Response('x', { status: 200, headers: { 'Content-Type': 'application/octet-stream' } }))
    const file = await fetchExport('members', 'xlsx')
    expect(file.name).toMatch(/^党员名册-\d{4}-\d{2}-\d{2}\.xlsx$/)
  })

  it('turns a refusal into the typed ApiError with its Chinese detail', async () => {
    stubFetch(
      new Response(
        JSON.stringify({
          type: 'x',
          title: '无权操作',
          status: 403,
          detail: '需要导出权限',
          code: 'auth.forbidden',
          errors: [],
        }),
        {
          status: 403,
          headers: { 'Content-Type': 'application/problem+json' },
        },
      ),
    )
    const err = await fetchExport('households', 'csv').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).message).toBe('需要导出权限')
  })
})
