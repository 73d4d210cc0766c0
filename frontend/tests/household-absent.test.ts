import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Household } from '../src/field/db'
import { enqueueVisit } from '../src/field/outbox'
import { getDb, state } from '../src/field/store'
import { aHousehold } from './fixtures'
import EventReportView from '../src/field/views/EventReportView.vue'
import HouseholdView from '../src/field/views/HouseholdView.vue'
import VisitFormView from '../src/field/views/VisitFormView.vue'

const MINE: Household = aHousehold(3, { address: '一组 3 号' })

/** Every request the pages make, answered 404 like the server for a household not mine. */
let requests: string[] = []
/** The server has given household 3 to another member since the phone pulled it. */
let reassigned = false

async function open(path: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<p>list</p>' } },
      { path: '/households/:id', component: HouseholdView, props: (r) => ({ id: Number(r.params.id) }) },
      { path: '/households/:id/event', component: EventReportView, props: (r) => ({ id: Number(r.params.id) }) },
      { path: '/households/:id/visit', component: VisitFormView, props: (r) => ({ id: Number(r.params.id) }) },
    ],
  })
  await router.push(path)
  const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

beforeEach(async () => {
  requests = []
  reassigned = false
  vi.stubGlobal('fetch', async (req: Request) => {
    requests.push(`${req.method} ${new URL(req.url).pathname}`)
    if (new URL(req.url).pathname === `/api/v1/households/${MINE.id}/visits` && !reassigned) {
      return new Response('[]', { status: 200, headers: { 'Content-Type': 'application/json' } })
    }
    return new Response(
      JSON.stringify({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        code: 'household.not_found',
        detail: '农户不存在',
      }),
      {
        status: 404,
        headers: { 'Content-Type': 'application/problem+json' },
      },
    )
  })
  localStorage.setItem(
    'lianhu.tokens',
    JSON.stringify({ access_token: 'A', refresh_token: 'R', role: 'member', member_id: 7 }),
  )
  const db = await getDb()
  await db.households.clear()
  await db.visits.clear()
  await db.outbox.clear()
  await db.households.put(MINE)
  state.online = true
  state.lastSync = '2026-11-20T08:00:00Z' // my households have been pulled in this start of the app
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
  localStorage.clear()
  state.online = true
  state.lastSync = ''
  state.households = []
})

describe('a household not among mine (not on the phone)', () => {
  it('its page says so plainly online and asks the server nothing about it', async () => {
    const wrapper = await open('/households/1')
    await vi.waitFor(() => expect(wrapper.find('[data-test="household-absent"]').exists()).toBe(true))
    expect(wrapper.text()).toContain('这户不在您的联系户中')
    expect(wrapper.text()).not.toContain('联网后刷新')
    // A sync later (every minute) reads the phone's copy again, still without asking.
    state.lastSync = '2026-11-20T08:01:00Z'
    await flushPromises()
    expect(requests.filter((r) => r.includes('/households/1'))).toEqual([])
  })

  it('offline keeps the hint', async () => {
    state.online = false
    const wrapper = await open('/households/1')
    await vi.waitFor(() => expect(wrapper.text()).toContain('本机没有这户的资料；联网后刷新'))
  })

  it('the visit form offers no form that would queue a visit for it', async () => {
    const wrapper = await open('/households/1/visit')
    await vi.waitFor(() => expect(wrapper.find('[data-test="household-absent"]').exists()).toBe(true))
    expect(wrapper.text()).toContain('这户不在您的联系户中')
    expect(wrapper.find('form').exists()).toBe(false)
    expect(wrapper.find('[data-test="save-visit"]').exists()).toBe(false)
    expect(requests.filter((r) => r.includes('/households/1'))).toEqual([])
    expect(await (await getDb()).outbox.count()).toBe(0)
  })

  it('nor does the report form', async () => {
    const wrapper = await open('/households/1/event')
    await vi.waitFor(() => expect(wrapper.find('[data-test="household-absent"]').exists()).toBe(true))
    expect(wrapper.find('form').exists()).toBe(false)
  })

  it('the forms of one of mine are offered as before', async () => {
    const visit = await open('/households/3/visit')
    await vi.waitFor(() => expect(visit.find('[data-test="save-visit"]').exists()).toBe(true))
    expect(visit.find('[data-test="household-absent"]').exists()).toBe(false)
    visit.unmount()
    const page = await open('/households/3')
    await vi.waitFor(() => expect(page.find('[data-test="log-visit"]').exists()).toBe(true))
    await vi.waitFor(() => expect(requests).toContain('GET /api/v1/households/3/visits'))
  })

  it('one still on the phone that the server no longer shows me is forgotten, its queued visit kept', async () => {
    reassigned = true
    const db = await getDb()
    await db.visits.put({ id: 90, household_id: MINE.id, member_id: 7, visited_at: '2026-11-01T02:00:00Z' } as never)
    const queued = await enqueueVisit(db, {
      member_id: 7,
      household_id: MINE.id,
      visited_at: '2026-11-20T08:00:00+08:00',
      mode: 'home',
      notes: '走访',
      flags: [],
      checklist: [],
    })
    state.households = [{ ...MINE, due: undefined } as never]
    const wrapper = await open('/households/3')
    await vi.waitFor(() => expect(wrapper.find('[data-test="household-absent"]').exists()).toBe(true))
    expect(wrapper.text()).toContain('这户不在您的联系户中')
    expect(wrapper.find('[data-test="log-visit"]').exists()).toBe(false)
    expect(await db.households.get(MINE.id)).toBeUndefined() // its personal data leaves the phone
    expect(await db.visits.where('household_id').equals(MINE.id).count()).toBe(0)
    expect(state.households.map((h) => h.id)).toEqual([])
    expect((await db.outbox.get(queued.uuid))?.status).toBe('pending') // still sent at the next sync
  })
})
