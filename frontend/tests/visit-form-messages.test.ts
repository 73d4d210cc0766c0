import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Household } from '../src/field/db'
import { getDb, state } from '../src/field/store'
import { aHousehold } from './fixtures'
import VisitFormView from '../src/field/views/VisitFormView.vue'

const MINE: Household = aHousehold(3, { address: '一组 3 号' })

async function openForm() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<p>list</p>' } },
      { path: '/households/:id', component: { template: '<p>household</p>' } },
      { path: '/households/:id/visit', component: VisitFormView, props: (r) => ({ id: Number(r.params.id) }) },
    ],
  })
  await router.push('/households/3/visit')
  const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [router] }, attachTo: document.body })
  await vi.waitFor(() => expect(wrapper.find('[data-test="save-visit"]').exists()).toBe(true))
  return wrapper
}

/** The message shown in the field of the control ``selector`` finds (Vant puts it in the field's own cell). */
function messageAt(wrapper: ReturnType<typeof mount>, selector: string): string {
  const cell = wrapper.find(selector).element.closest('.van-field')
  return cell?.querySelector('.van-field__error-message')?.textContent?.trim() ?? ''
}

beforeEach(async () => {
  vi.stubGlobal('fetch', async () => {
    throw new TypeError('Failed to fetch') // offline: the form is checked on the phone
  })
  localStorage.setItem(
    'lianhu.tokens',
    JSON.stringify({ access_token: 'A', refresh_token: 'R', role: 'member', member_id: 7 }),
  )
  const db = await getDb()
  await db.households.clear()
  await db.outbox.clear()
  await db.households.put(MINE)
  state.online = true
  state.lastSync = '2026-11-20T08:00:00Z'
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
  localStorage.clear()
})

describe('the visit form refuses bad fields in Chinese, next to each field, and queues nothing', () => {
  it('empty notes, a time in the future, a ticked must-record item without its text', async () => {
    const wrapper = await openForm()
    const future = new Date(Date.now() + 3 * 86_400_000)
    const local = new Date(future.getTime() - future.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
    await wrapper.find('input[type="datetime-local"]').setValue(local)
    await wrapper.find('[data-flag="difficulty"]').trigger('click')
    await flushPromises()
    await wrapper.find('form').trigger('submit')
    await vi.waitFor(() => expect(messageAt(wrapper, 'textarea[name="notes"]')).toBe('请填写走访情况'))
    expect(messageAt(wrapper, 'input[type="datetime-local"]')).toBe('走访时间不能晚于现在')
    expect(messageAt(wrapper, 'textarea[name="flag_difficulty"]')).toBe('已勾选“困难问题”，请写明具体内容')
    expect(await (await getDb()).outbox.count()).toBe(0)
  })

  it('notes of one character', async () => {
    const wrapper = await openForm()
    await wrapper.find('textarea[name="notes"]').setValue('好')
    await wrapper.find('form').trigger('submit')
    await vi.waitFor(() => expect(messageAt(wrapper, 'textarea[name="notes"]')).toBe('走访情况至少写 2 个字'))
    expect(await (await getDb()).outbox.count()).toBe(0)
  })
})
