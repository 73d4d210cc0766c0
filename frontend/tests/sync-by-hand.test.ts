import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { enqueueVisit } from '../src/field/outbox'
import { getDb, OFFLINE_SYNC, refreshCounts, state, syncOnRequest } from '../src/field/store'
import OutboxView from '../src/field/views/OutboxView.vue'

function offline() {
  const fetch = vi.fn(async (_req: Request): Promise<Response> => {
    throw new TypeError('Failed to fetch')
  })
  vi.stubGlobal('fetch', fetch)
  return fetch
}

beforeEach(async () => {
  localStorage.setItem(
    'lianhu.tokens',
    JSON.stringify({ access_token: 'A', refresh_token: 'R', role: 'member', member_id: 7 }),
  )
  const db = await getDb()
  await db.outbox.clear()
  await enqueueVisit(db, {
    member_id: 7,
    household_id: 3,
    visited_at: '2026-11-20T08:00:00+08:00',
    mode: 'home',
    notes: '走访',
    flags: [],
    checklist: [],
  })
  await refreshCounts()
  state.online = true
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
  localStorage.clear()
  state.online = true
})

describe('立即同步 (待同步 tab)', () => {
  it('with no network tries, keeps the queue and says so', async () => {
    const fetch = offline()
    expect(await syncOnRequest()).toBe('当前离线，联网后自动同步')
    expect(fetch).toHaveBeenCalled() // tried, even if the phone had thought it was online
    expect(state.online).toBe(false)
    expect(state.pending).toBe(1)
    // Pressed again while known to be offline: tried again (navigator.onLine can be wrong), same words.
    expect(await syncOnRequest()).toBe(OFFLINE_SYNC)
  })

  it('answered by the server says nothing more (the list shows what was sent)', async () => {
    vi.stubGlobal('fetch', async (req: Request) => {
      const path = new URL(req.url).pathname
      const body =
        path === '/api/v1/sync/batch'
          ? { applied: 1, duplicate: 0, rejected: 0, results: [{ index: 0, status: 'applied', id: 11 }] }
          : path === '/api/v1/sync/pull'
            ? { cursor: '2026-11-20T08:00:00Z', households: [], visits: [], due: null }
            : {}
      return new Response(JSON.stringify(body), {
        status: path.startsWith('/api/v1/sync/') ? 200 : 404,
        headers: { 'Content-Type': 'application/json' },
      })
    })
    expect(await syncOnRequest()).toBeNull()
    expect(state.pending).toBe(0)
  })

  it('the button shows the words in a toast', async () => {
    offline()
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/outbox', component: OutboxView }],
    })
    await router.push('/outbox')
    const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [router] }, attachTo: document.body })
    await flushPromises()
    const button = wrapper.find('[data-test="sync-now"]')
    expect(button.attributes('disabled')).toBeUndefined()
    await button.trigger('click')
    await vi.waitFor(() => expect(document.body.textContent).toContain('当前离线，联网后自动同步'))
    wrapper.unmount()
  })
})
