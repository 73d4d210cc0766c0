import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { readDraft } from '../src/field/event-draft'
import { getDb, state } from '../src/field/store'
import { aHousehold } from './fixtures'
import EventReportView from '../src/field/views/EventReportView.vue'

async function open() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/households/:id', component: { template: '<p>household</p>' } },
      { path: '/households/:id/event', component: EventReportView, props: (r) => ({ id: Number(r.params.id) }) },
    ],
  })
  await router.push('/households/3/event')
  const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  await vi.waitFor(() => expect(wrapper.find('[data-kind="生病住院"]').exists()).toBe(true))
  return { wrapper, router }
}

beforeEach(async () => {
  sessionStorage.clear()
  // One of mine: the form is offered only for a household on the phone.
  await (await getDb()).households.put(aHousehold(3))
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
  state.online = true
})

describe('the report form (报告必到事项)', () => {
  it('offline says it needs the network, sends nothing and keeps what was typed', async () => {
    const fetch = vi.fn(async (_req: Request): Promise<Response> => {
      throw new TypeError('Failed to fetch')
    })
    vi.stubGlobal('fetch', fetch)
    state.online = false
    const { wrapper } = await open()
    expect(wrapper.find('[data-test="needs-network"]').text()).toContain('这项操作需要联网')
    await wrapper.find('[data-kind="生病住院"]').trigger('click')
    await wrapper.find('textarea').setValue('老人住院，家里没人照看')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-test="form-error"]').text()).toContain('这项操作需要联网')
    expect(fetch.mock.calls.filter(([r]) => r.method === 'POST')).toEqual([])
    expect((wrapper.find('textarea').element as HTMLTextAreaElement).value).toBe('老人住院，家里没人照看')
    // Leaving the page or reloading keeps it too.
    expect(readDraft(3)).toEqual({ kind: '生病住院', note: '老人住院，家里没人照看' })
    wrapper.unmount()
    const again = await open()
    expect((again.wrapper.find('textarea').element as HTMLTextAreaElement).value).toBe('老人住院，家里没人照看')
  })

  it("online sends the report, forgets the draft and goes back; the server's refusal is shown under the kind", async () => {
    let answer = new Response(
      JSON.stringify({
        type: 'about:blank',
        title: 'Invalid',
        status: 422,
        code: 'event.unknown_kind',
        field: 'kind',
        detail: '本模式的必到事项为：红白大事',
        errors: [],
      }),
      { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
    )
    const posts: unknown[] = []
    vi.stubGlobal('fetch', async (req: Request) => {
      if (req.method !== 'POST') throw new TypeError('Failed to fetch')
      posts.push(await req.json())
      return answer
    })
    const { wrapper, router } = await open()
    await wrapper.find('[data-kind="思想波动"]').trigger('click')
    await wrapper.find('textarea').setValue('情绪低落')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.text()).toContain('本模式的必到事项为：红白大事'))
    expect(posts).toEqual([{ kind: '思想波动', note: '情绪低落' }])

    answer = new Response(
      JSON.stringify({
        id: 9,
        household_id: 3,
        member_id: 7,
        kind: '思想波动',
        note: '情绪低落',
        reported_by: 'user:m',
        reported_at: '2026-11-20T00:00:00Z',
        deadline: '2026-11-22T00:00:00Z',
        visit_id: null,
        attended_at: null,
        status: 'open',
        status_label: '待到场',
      }),
      { status: 201, headers: { 'Content-Type': 'application/json' } },
    )
    await wrapper.find('form').trigger('submit')
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/households/3'))
    expect(readDraft(3)).toBeNull()
  })
})
