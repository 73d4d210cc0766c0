import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { enqueueVisit } from '../src/field/outbox'
import { getDb, refreshCounts, state } from '../src/field/store'
import OutboxView from '../src/field/views/OutboxView.vue'
import VisitFormView from '../src/field/views/VisitFormView.vue'
import { aHousehold } from './fixtures'

/** A visit queued offline for 赵一 (household 140), refused at the sync because the household had
 * moved out meanwhile; the next pull made the phone forget the household. */
const HOUSEHOLD = aHousehold(140, { head_name: '赵一' })
let uuid = ''

async function open(path: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/outbox', component: OutboxView },
      {
        path: '/households/:id/visit',
        component: VisitFormView,
        props: (r) => ({
          id: Number(r.params.id),
          retry: typeof r.query.retry === 'string' ? r.query.retry : undefined,
        }),
      },
    ],
  })
  await router.push(path)
  const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

beforeEach(async () => {
  vi.stubGlobal(
    'fetch',
    async () => new Response('{}', { status: 404, headers: { 'Content-Type': 'application/json' } }),
  )
  localStorage.setItem(
    'lianhu.tokens',
    JSON.stringify({ access_token: 'A', refresh_token: 'R', role: 'member', member_id: 7 }),
  )
  const db = await getDb()
  await db.outbox.clear()
  await db.photos.clear()
  await db.households.clear()
  await db.households.put(HOUSEHOLD)
  const item = await enqueueVisit(db, {
    member_id: 7,
    household_id: HOUSEHOLD.id,
    visited_at: '2026-11-20T08:00:00+08:00',
    mode: 'home',
    notes: '了解近况',
    flags: [],
    checklist: [],
  })
  uuid = item.uuid
  await db.outbox.update(uuid, {
    status: 'rejected',
    result: { code: 'household.not_found', field: 'household_id', message: '农户 140 不存在' },
  })
  await db.households.delete(HOUSEHOLD.id) // forgotten by the next pull
  state.households = []
  state.online = true
  state.lastSync = '2026-11-21T08:00:00Z'
  await refreshCounts()
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
  localStorage.clear()
  state.lastSync = ''
})

describe('a rejected record of a household the phone has forgotten', () => {
  it('is listed under the head of household it was made for, not its number', async () => {
    const { wrapper } = await open('/outbox')
    await vi.waitFor(() => expect(wrapper.find(`[data-uuid="${uuid}"]`).exists()).toBe(true))
    const item = wrapper.find(`[data-uuid="${uuid}"]`)
    expect(item.text()).toContain('赵一')
    expect(item.text()).not.toContain('农户 140')
    expect(item.text()).toContain('退回原因：这户已不在您的联系户中')
  })

  it('修改后重新提交 explains why there is no form and offers to delete it', async () => {
    const { wrapper, router } = await open(`/households/140/visit?retry=${uuid}`)
    await vi.waitFor(() => expect(wrapper.find('[data-test="retry-absent"]').exists()).toBe(true))
    const text = wrapper.find('[data-test="retry-absent"]').text()
    expect(text).toContain('赵一已不在您的联系户中')
    expect(text).toContain('退回原因：农户 140 不存在')
    expect(wrapper.find('form').exists()).toBe(false)
    await wrapper.find('[data-test="retry-discard"]').trigger('click')
    await vi.waitFor(() => expect(document.querySelector('.van-dialog__confirm')).not.toBeNull())
    ;(document.querySelector('.van-dialog__confirm') as HTMLButtonElement).click()
    await vi.waitFor(async () => expect(await (await getDb()).outbox.get(uuid)).toBeUndefined())
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/outbox'))
    expect(state.rejected).toBe(0)
  })
})
