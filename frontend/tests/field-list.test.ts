import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { OutboxItem } from '../src/field/db'
import { dueText, modes, telHref } from '../src/field/labels'
import { queuedVisitTimes } from '../src/field/outbox'
import TabsLayout from '../src/field/views/TabsLayout.vue'

const NEVER = { household_id: 3, last_visit: null, due_at: null, overdue_days: null, vulnerable: false } as never

function queued(over: Partial<OutboxItem> & { at: string }): OutboxItem {
  const { at, ...rest } = over
  return {
    uuid: Math.random().toString(16),
    household_id: 3,
    created_at: at,
    seq: Date.parse(at),
    status: 'pending',
    kind: 'visit',
    payload: { member_id: 7, household_id: 3, visited_at: at, mode: 'home', notes: '走访' },
    ...rest,
  } as OutboxItem
}

describe('a visit made offline shows on the household list before the sync', () => {
  it('a household never visited reads as visited at the queued time, 待同步, not 从未走访', () => {
    expect(dueText(NEVER).text).toBe('从未走访')
    const said = dueText(NEVER, Date.now(), '2026-11-25T02:30:00Z')
    expect(said.text).toContain('已走访（待同步）')
    expect(said.text).toContain('11-25')
    expect(said.type).not.toBe('danger')
  })

  it('an older queued visit than the server’s last one changes nothing', () => {
    const due = {
      ...(NEVER as object),
      last_visit: '2026-11-26T02:00:00Z',
      due_at: '2026-12-30T02:00:00Z',
      overdue_days: 0,
    } as never
    expect(dueText(due, Date.parse('2026-11-27T00:00:00Z'), '2026-11-20T02:00:00Z').text).toBe('34 天后到期')
  })

  it('takes the latest pending visit or attendance of each household; refused and sent items do not count', () => {
    const times = queuedVisitTimes([
      queued({ at: '2026-11-20T02:00:00Z' }),
      queued({ at: '2026-11-22T02:00:00Z' }),
      queued({ at: '2026-11-23T02:00:00Z', status: 'rejected' }),
      queued({ at: '2026-11-24T02:00:00Z', status: 'applied' }),
      queued({
        at: '2026-11-21T02:00:00Z',
        household_id: 4,
        kind: 'attendance',
        payload: {
          member_id: 7,
          household_id: 4,
          visited_at: '2026-11-21T02:00:00Z',
          mode: 'home',
          notes: '到场',
          event_id: 9,
        },
      }),
      {
        ...queued({ at: '2026-11-28T02:00:00Z' }),
        kind: 'issue_draft',
        payload: { visit_uuid: 'x', kind: 'difficulty' },
      } as OutboxItem,
    ])
    expect(times).toEqual({ 3: '2026-11-22T02:00:00Z', 4: '2026-11-21T02:00:00Z' })
  })
})

describe('an attendance is in person', () => {
  it('offers no phone call or WeChat as a way of being present; a visit offers all four', () => {
    expect(modes().map((m) => m.value)).toEqual(['home', 'phone', 'wechat', 'meeting'])
    expect(modes({ attendance: true }).map((m) => m.value)).toEqual(['home', 'meeting'])
  })
})

describe('a phone number can be tapped to call', () => {
  it('is a tel: link of its digits, never for a masked number', () => {
    expect(telHref('138 0000-1234')).toBe('tel:13800001234')
    expect(telHref('+86 13800001234')).toBe('tel:+8613800001234')
    expect(telHref('138****1234')).toBeNull()
    expect(telHref('13800001234', true)).toBeNull()
    expect(telHref(null)).toBeNull()
  })
})

describe('the tab bar', () => {
  it('goes back to 联系户 from any other tab', async () => {
    const page = (name: string) => ({ template: `<p class="page">${name}</p>` })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        {
          path: '/',
          component: TabsLayout,
          children: [
            { path: '', name: 'households', component: page('households') },
            { path: 'tasks', name: 'tasks', component: page('tasks') },
            { path: 'outbox', name: 'outbox', component: page('outbox') },
            { path: 'me', name: 'me', component: page('me') },
          ],
        },
      ],
    })
    await router.push('/')
    const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [router] }, attachTo: document.body })
    for (const tab of ['me', 'tasks', 'outbox']) {
      await wrapper.get(`[data-tab=${tab}]`).trigger('click')
      await flushPromises()
      expect(router.currentRoute.value.name).toBe(tab)
      await wrapper.get('[data-tab=households]').trigger('click')
      await flushPromises()
      expect(router.currentRoute.value.name).toBe('households')
      expect(wrapper.get('.page').text()).toBe('households')
    }
    wrapper.unmount()
  })
})

describe('我的 says who is logged in', () => {
  it('by the name /auth/me gives, kept for offline', async () => {
    const { myName } = await import('../src/field/data')
    const { vi } = await import('vitest')
    localStorage.setItem(
      'lianhu.tokens',
      JSON.stringify({ access_token: 'A', refresh_token: 'R', role: 'member', member_id: 7 }),
    )
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response(
          JSON.stringify({
            actor: 'user:member',
            display_name: '张三',
            org_path: '/1/',
            permissions: [],
            member_id: 7,
          }),
          {
            status: 200,
            headers: { 'Content-Type': 'application/json' },
          },
        ),
    )
    expect(await myName()).toBe('张三')
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    expect(await myName()).toBe('张三')
    vi.unstubAllGlobals()
    localStorage.clear()
  })
})
