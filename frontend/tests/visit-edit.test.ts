import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, NetworkError } from '../src/api'
import type { VisitOut } from '../src/field/db'
import { changesOf, EDIT_WINDOW_MS, explain, historyOf, likelyEditable, sendChange } from '../src/field/visit-edit'

function visitOut(id: number, extra: Partial<VisitOut> = {}): VisitOut {
  return {
    id,
    member_id: 7,
    household_id: 3,
    visited_at: '2026-11-20T00:00:00Z',
    mode: 'home',
    mode_label: '入户走访',
    notes: '走访',
    flags: [{ kind: 'difficulty', label: '困难问题', text: '屋顶漏雨' }],
    checklist: ['上级政策宣讲到户'],
    amends_id: null,
    created_at: null,
    editable_until: null,
    duplicate: false,
    ...extra,
  }
}

afterEach(() => vi.unstubAllGlobals())

describe('editing and amending a visit', () => {
  it('shows amendments under the visit they correct, oldest first', () => {
    const history = historyOf([
      visitOut(9, { amends_id: 5 }),
      visitOut(8),
      visitOut(6, { amends_id: 5 }),
      visitOut(5),
      visitOut(4, { amends_id: 1 }),
    ])
    expect(history.map((h) => [h.visit.id, h.amendments.map((a) => a.id)])).toEqual([
      [8, []],
      [5, [6, 9]],
      [4, []], // its original is not in the list: shown on its own
    ])
  })

  it('offers an edit within 24 hours of the visit or of this phone syncing it, else an amendment', () => {
    const now = Date.parse('2026-11-22T00:00:00Z')
    expect(likelyEditable({ visited_at: '2026-11-21T06:00:00Z' }, undefined, now)).toBe(true)
    expect(likelyEditable({ visited_at: '2026-11-19T06:00:00Z' }, undefined, now)).toBe(false)
    // Made offline three days ago, synced (logged by the server) two hours ago.
    expect(
      likelyEditable({ visited_at: '2026-11-19T06:00:00Z' }, new Date(now - 2 * 3_600_000).toISOString(), now),
    ).toBe(true)
    expect(likelyEditable({ visited_at: new Date(now - EDIT_WINDOW_MS).toISOString() }, undefined, now)).toBe(false)
    // The server's word when it gives it, whatever the phone synced.
    const visit = { visited_at: '2026-11-21T06:00:00Z' }
    expect(likelyEditable({ ...visit, editable_until: '2026-11-21T23:00:00Z' }, undefined, now)).toBe(false)
    expect(likelyEditable({ ...visit, editable_until: '2026-11-22T01:00:00Z' }, undefined, now)).toBe(true)
  })

  it('sends only what the member changed', () => {
    const before = visitOut(5)
    const same = {
      member_id: 7,
      household_id: 3,
      visited_at: '2026-11-20T08:00:00+08:00', // the same instant, written in China time
      mode: 'home' as const,
      notes: '走访',
      flags: [{ kind: 'difficulty' as const, text: '屋顶漏雨' }],
      checklist: ['上级政策宣讲到户'],
    }
    expect(changesOf(before, same)).toEqual({})
    // The form shows minutes: an untouched time is not a change, even if the original had seconds.
    expect(changesOf(visitOut(5, { visited_at: '2026-11-20T00:00:42.5Z' }), same)).toEqual({})
    expect(changesOf(before, { ...same, visited_at: '2026-11-20T00:01:00Z' })).toEqual({
      visited_at: '2026-11-20T00:01:00Z',
    })
    expect(changesOf(before, { ...same, notes: '补记', flags: [] })).toEqual({ notes: '补记', flags: [] })
  })

  it('patches within the window and posts an amendment after it', async () => {
    const calls: [string, string, unknown][] = []
    vi.stubGlobal('fetch', async (req: Request) => {
      calls.push([req.method, new URL(req.url).pathname, await req.json()])
      return new Response(JSON.stringify(visitOut(5, { notes: '补记' })), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      })
    })
    await sendChange('edit', 5, { notes: '补记' })
    await sendChange('amend', 5, { notes: '补记' })
    expect(calls).toEqual([
      ['PATCH', '/api/v1/visits/5', { notes: '补记' }],
      ['POST', '/api/v1/visits/5/amendments', { notes: '补记' }],
    ])
  })

  it('says in Chinese why the server refused, next to the field, and when the window closed', () => {
    const closed = new ApiError({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      code: 'visit.edit_window_closed',
      field: 'visit_id',
      detail: '记录超过 24 小时，不能直接修改；请提交补充更正（amendment）',
      errors: [],
    })
    expect(explain(closed)).toEqual({ fields: {}, form: closed.message, windowClosed: true })

    const future = new ApiError({
      type: 'about:blank',
      title: 'Invalid',
      status: 422,
      code: 'visit.in_future',
      field: 'visited_at',
      detail: '走访时间不能晚于现在',
      errors: [],
    })
    expect(explain(future)).toMatchObject({ fields: { visited_at: '走访时间不能晚于现在' }, form: '' })

    const pydantic = new ApiError({
      type: 'about:blank',
      title: 'Invalid',
      status: 422,
      code: 'request.validation',
      detail: 'x',
      errors: [{ field: 'body.flags.0.text', message: '至少 1 个字符', code: 'string_too_short' }],
    })
    expect(explain(pydantic).fields).toEqual({ flags: '至少 1 个字符' })

    expect(explain(new NetworkError(new TypeError('Failed to fetch'))).form).toContain('这项操作需要联网')
  })
})
