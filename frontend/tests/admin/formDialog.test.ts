import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import OrgUnitDialog from '../../src/admin/components/OrgUnitDialog.vue'
import type { OrgUnit } from '../../src/admin/api'

// The console's one form dialog (FormDialog.vue), through a dialog that uses it: the server's
// refusal is shown and the dialog stays open, the button is busy while the call runs, and the
// dialog closes once it went through. (The client-side rules and the messages next to fields are
// checked in real Chromium, tests/browser/test_admin_forms.py; forms.test.ts maps the fields.)

function json(status: number, body: unknown): Response {
  const type = status >= 400 ? 'application/problem+json' : 'application/json'
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } })
}

const unit: OrgUnit = {
  id: 3,
  name: '和明村',
  level: 'village',
  level_label: '村',
  parent_id: 2,
  path: '/1/2/3/',
  code: null,
  external_id: null,
} as OrgUnit

async function openDialog(answer: (req: Request) => Response | Promise<Response>) {
  const seen: Request[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (req: Request) => {
      seen.push(req)
      return new URL(req.url).pathname === '/api/v1/meta/enums' ? json(200, { org_levels: [] }) : answer(req)
    }),
  )
  const wrapper = mount(OrgUnitDialog, {
    props: { modelValue: false, unit, parent: null },
    attachTo: document.body,
  })
  await wrapper.setProps({ modelValue: true })
  await flushPromises()
  const dialog = () => document.querySelector('[data-test=org-dialog]') as HTMLElement
  const save = () => (document.querySelector('[data-test=org-save]') as HTMLButtonElement).click()
  return { wrapper, seen, dialog, save }
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('FormDialog', () => {
  it('shows a refusal that names no field above the buttons, and stays open', async () => {
    const { wrapper, dialog, save } = await openDialog(() =>
      json(409, {
        type: 'x',
        title: '冲突',
        status: 409,
        detail: '同级已有同名组织',
        code: 'org.name_taken',
        errors: [],
      }),
    )
    save()
    await flushPromises()
    await nextTick()
    expect(dialog().querySelector('.el-alert__title')?.textContent).toContain('同级已有同名组织')
    expect((document.querySelector('[data-test=org-save]') as HTMLElement).classList.contains('is-loading')).toBe(false)
    expect(wrapper.emitted('update:modelValue')).toBeUndefined()
    expect(wrapper.emitted('saved')).toBeUndefined()
  })

  it('sends only what changed, emits the saved unit and closes', async () => {
    let release: () => void = () => {}
    const { wrapper, seen, dialog, save } = await openDialog(async (req) => {
      await new Promise<void>((r) => (release = r))
      return json(200, { ...unit, ...((await req.json()) as object) })
    })
    const name = dialog().querySelector('input[maxlength="100"]') as HTMLInputElement
    name.value = '和明新村'
    name.dispatchEvent(new Event('input'))
    save()
    await flushPromises()
    const button = document.querySelector('[data-test=org-save]') as HTMLButtonElement
    expect(button.classList.contains('is-loading')).toBe(true)
    release()
    await flushPromises()
    const patch = seen.find((r) => r.method === 'PATCH')!
    expect(new URL(patch.url).pathname).toBe('/api/v1/org-units/3')
    expect(wrapper.emitted('saved')?.[0]?.[0]).toMatchObject({ id: 3, name: '和明新村' })
    expect(wrapper.emitted('update:modelValue')?.at(-1)).toEqual([false])
  })
})
