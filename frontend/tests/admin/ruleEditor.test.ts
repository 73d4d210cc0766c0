import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import RuleEditor from '../../src/admin/components/RuleEditor.vue'

// The editor as the policy dialog uses it: mounted per policy, read on save with current().
type Editor = { current(): { rule: Record<string, unknown> } | { error: string } }

describe('RuleEditor', () => {
  it('opens a rule the builder can show in the builder and gives it back unchanged', () => {
    const rule = {
      all: [
        { field: 'categories', op: 'has', value: 'dibao' },
        { field: 'max_age', op: '>=', value: 80 },
      ],
    }
    const w = mount(RuleEditor, { props: { initial: rule } })
    expect(w.findAll('[data-test=rule-row]')).toHaveLength(2)
    expect((w.vm as unknown as Editor).current()).toEqual({ rule })
    expect(w.text()).toContain('规则预览：（户类含dibao 且 户内最年长者年龄 ≥ 80）')
  })

  it('opens not and nested groups as JSON', () => {
    const rule = { not: { field: 'size', op: '<', value: 3 } }
    const w = mount(RuleEditor, { props: { initial: rule } })
    expect(w.find('[data-test=rule-json]').exists()).toBe(true)
    expect((w.vm as unknown as Editor).current()).toEqual({ rule })
  })

  it('marks the row the server named and refuses an empty builder', () => {
    const rule = {
      all: [
        { field: 'size', op: '>=', value: 1 },
        { field: 'max_age', op: '>=', value: 80 },
      ],
    }
    const w = mount(RuleEditor, { props: { initial: rule, pointer: 'rule.all[1].value' } })
    const rows = w.findAll('[data-test=rule-row]')
    expect(rows.map((r) => r.classes('marked'))).toEqual([false, true])
    const empty = mount(RuleEditor, { props: { initial: null } })
    expect((empty.vm as unknown as Editor).current()).toEqual({ error: '请至少添加一个条件' })
  })
})
