import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { goBack, previousPage, returnTo } from '../src/field/back'

const page = { template: '<p />' }

async function routerAt(...paths: string[]) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: page },
      { path: '/households/:id', component: page },
      { path: '/households/:id/visit', component: page },
    ],
  })
  for (const p of paths) await router.push(p)
  return { router, back: vi.spyOn(router, 'back') }
}

/** What vue-router keeps in the browser's history entry (the memory history does not). */
function browserState(state: object | null) {
  window.history.replaceState(state, '')
}

afterEach(() => browserState(null))

describe('返回 (back.ts)', () => {
  it("reads vue-router's record of the page before", () => {
    expect(previousPage({ back: '/households/3', current: '/households/3/visit' })).toBe('/households/3')
    expect(previousPage({ back: null, current: '/households/3' })).toBeNull() // the first page of the tab
    expect(previousPage(null)).toBeNull() // opened from a link, never touched by the router
    expect(previousPage({})).toBeNull()
  })

  it('goes back inside the app when there is a page before', async () => {
    const { router, back } = await routerAt('/', '/households/3')
    browserState({ back: '/', current: '/households/3' })
    await goBack(router, '/')
    expect(back).toHaveBeenCalledOnce()
  })

  it('opened directly (new tab, shared link), goes to the page above instead of leaving the app', async () => {
    const { router, back } = await routerAt('/households/3')
    browserState({ back: null, current: '/households/3' })
    await goBack(router, '/')
    expect(back).not.toHaveBeenCalled()
    expect(router.currentRoute.value.fullPath).toBe('/')

    const form = await routerAt('/households/3/visit')
    browserState(null)
    await goBack(form.router, '/households/3')
    expect(form.back).not.toHaveBeenCalled()
    expect(form.router.currentRoute.value.fullPath).toBe('/households/3')
  })

  it('after saving, returns to the page without leaving the form in the history', async () => {
    const opened = await routerAt('/households/3', '/households/3/visit')
    browserState({ back: '/households/3', current: '/households/3/visit' })
    await returnTo(opened.router, '/households/3')
    expect(opened.back).toHaveBeenCalledOnce()

    // Opened from the task list (or directly): the household's page takes the form's place.
    const direct = await routerAt('/', '/households/3/visit')
    browserState({ back: '/', current: '/households/3/visit' })
    const replace = vi.spyOn(direct.router, 'replace')
    await returnTo(direct.router, '/households/3')
    expect(direct.back).not.toHaveBeenCalled()
    expect(replace).toHaveBeenCalledWith('/households/3')
    expect(direct.router.currentRoute.value.fullPath).toBe('/households/3')
  })
})
