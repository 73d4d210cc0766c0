import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, NetworkError } from '../src/api'
import type { EventOut } from '../src/field/data'
import { FieldDb } from '../src/field/db'
import { clearDraft, clearDrafts, readDraft, writeDraft } from '../src/field/event-draft'
import {
  checkReport,
  DEFAULT_EVENT_KINDS,
  eventKindsFor,
  explainReport,
  householdEvents,
  kindsInParams,
  rememberReported,
  reportedEvents,
  reportEvent,
} from '../src/field/events'
import { getKv, setKv } from '../src/field/kv'

let db: FieldDb
let n = 0

beforeEach(async () => {
  db = new FieldDb(`events-test-${++n}`)
  await db.open()
})
afterEach(() => vi.unstubAllGlobals())

function event(id: number, extra: Partial<EventOut> = {}): EventOut {
  return {
    id,
    household_id: 3,
    member_id: 7,
    kind: '生病住院',
    note: '',
    reported_by: 'user:m01',
    reported_at: '2026-11-20T00:00:00Z',
    deadline: '2026-11-22T00:00:00Z',
    visit_id: null,
    attended_at: null,
    status: 'open',
    status_label: '待到场',
    head_name: '赵一',
    area_name: '第1网格',
    member_name: '张三',
    reported_to_member_id: 7,
    reported_to_name: '张三',
    reported_by_name: '李书记',
    cancelled_at: null,
    cancelled_by: null,
    cancel_reason: '',
    ...extra,
  }
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status < 400 ? 'application/json' : 'application/problem+json' },
  })
}

describe('the kinds of must-attend event a household can have (五必到)', () => {
  it("reads the kinds and deadline from the scheme's params", () => {
    expect(kindsInParams({ must_attend_events: ['红白大事', '生病住院'], must_attend_deadline_hours: 24 })).toEqual({
      kinds: ['红白大事', '生病住院'],
      fromScheme: true,
      deadlineHours: 24,
    })
    // A scheme without 五必到 says so (an empty list); a params object without the key is unknown.
    expect(kindsInParams({ must_attend_events: [] })?.kinds).toEqual([])
    expect(kindsInParams({})).toBeNull()
  })

  it("offers the household's scheme, kept for offline use, else the five of the scheme", async () => {
    const fetch = vi.fn(async () =>
      json({
        org_id: 5,
        code: 'x',
        name: 'x',
        defined_at: [1],
        params: { must_attend_events: ['红白大事'], must_attend_deadline_hours: 12 },
      }),
    )
    vi.stubGlobal('fetch', fetch)
    expect(await eventKindsFor(db, 5)).toEqual({ kinds: ['红白大事'], fromScheme: true, deadlineHours: 12 })
    expect(new URL((fetch.mock.calls[0] as unknown as [Request])[0].url).pathname).toBe('/api/v1/org-units/5/scheme')

    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    expect((await eventKindsFor(db, 5)).kinds).toEqual(['红白大事']) // offline: the copy
    expect(await eventKindsFor(db, 6)).toEqual({
      kinds: [...DEFAULT_EVENT_KINDS],
      fromScheme: false,
      deadlineHours: null,
    })
    expect(DEFAULT_EVENT_KINDS).toEqual(['红白大事', '邻里纠纷', '生病住院', '代办事项', '思想波动'])
  })
})

describe('reporting a must-attend event', () => {
  it('posts the kind and the note to the household, trimmed', async () => {
    const calls: [string, string, unknown][] = []
    vi.stubGlobal('fetch', async (req: Request) => {
      calls.push([req.method, new URL(req.url).pathname, await req.json()])
      return json(event(11), 201)
    })
    expect((await reportEvent(3, { kind: '生病住院', note: '  住院三天 ' })).id).toBe(11)
    expect(calls).toEqual([['POST', '/api/v1/households/3/events', { kind: '生病住院', note: '住院三天' }]])
  })

  it('asks for a kind and a note the server will take before sending', () => {
    expect(checkReport({ kind: '', note: '' })).toEqual({ kind: '请选择事项类型' })
    expect(checkReport({ kind: '红白大事', note: 'x'.repeat(1001) })).toEqual({ note: '情况说明不能超过 1000 字' })
    expect(checkReport({ kind: '红白大事', note: '' })).toEqual({})
  })

  it("says plainly that it needs the network, and shows the server's own words under the field", () => {
    expect(explainReport(new NetworkError(new TypeError('Failed to fetch'))).form).toContain('这项操作需要联网')
    const unknown = new ApiError({
      type: 'about:blank',
      title: 'Invalid',
      status: 422,
      code: 'event.unknown_kind',
      field: 'kind',
      detail: '本模式的必到事项为：红白大事、生病住院',
      errors: [],
    })
    expect(explainReport(unknown)).toEqual({ fields: { kind: '本模式的必到事项为：红白大事、生病住院' }, form: '' })
    const tooLong = new ApiError({
      type: 'about:blank',
      title: 'Invalid',
      status: 422,
      code: 'request.validation',
      detail: '请求数据不符合要求',
      errors: [{ field: 'body.note', message: '最多 1000 个字符', code: 'string_too_long' }],
    })
    expect(explainReport(tooLong).fields).toEqual({ note: '最多 1000 个字符' })
    const notMine = new ApiError({
      type: 'about:blank',
      title: 'Not found',
      status: 404,
      code: 'household.not_found',
      field: 'household_id',
      detail: '没有这户',
      errors: [],
    })
    expect(explainReport(notMine)).toEqual({ fields: {}, form: '没有这户' })
  })

  it("lists a report on the household's page, and as my task when I am its contact member", async () => {
    await setKv(db, 'tasks', [event(2, { deadline: '2026-11-23T00:00:00Z' })])
    const mine = event(11, { deadline: '2026-11-21T00:00:00Z' })
    await rememberReported(db, mine, { memberId: 7, now: Date.parse('2026-11-20T01:00:00Z') })
    // A branch secretary's report for another member's household: not a task of theirs.
    const theirs = event(12, { member_id: 8, household_id: 4 })
    await rememberReported(db, theirs, { memberId: 7, now: Date.parse('2026-11-20T01:00:00Z') })
    expect((await getKv<EventOut[]>(db, 'tasks'))!.map((t) => t.id)).toEqual([11, 2]) // by deadline
    const reported = await reportedEvents(db)
    expect(reported.map((e) => e.id)).toEqual([12, 11])

    const tasks = (await getKv<EventOut[]>(db, 'tasks'))!
    expect(householdEvents(3, tasks, reported).map((x) => [x.event.id, x.mine])).toEqual([
      [11, true],
      [2, true],
    ])
    expect(householdEvents(4, tasks, reported).map((x) => [x.event.id, x.mine])).toEqual([[12, false]])
    // A month later the old reports are dropped from the phone's list.
    await rememberReported(db, event(13), { memberId: null, now: Date.parse('2026-12-25T00:00:00Z') })
    expect((await reportedEvents(db)).map((e) => e.id)).toEqual([13])
  })
})

describe('what was typed in a report', () => {
  it('is kept per household until it is sent, and forgotten on logout', () => {
    writeDraft(3, { kind: '生病住院', note: '住院' })
    writeDraft(4, { kind: '', note: '吵架' })
    expect(readDraft(3)).toEqual({ kind: '生病住院', note: '住院' })
    clearDraft(3)
    expect(readDraft(3)).toBeNull()
    writeDraft(5, { kind: '', note: '' }) // nothing typed: nothing kept
    expect(readDraft(5)).toBeNull()
    sessionStorage.setItem('other', 'x')
    clearDrafts()
    expect(readDraft(4)).toBeNull()
    expect(sessionStorage.getItem('other')).toBe('x')
  })
})
