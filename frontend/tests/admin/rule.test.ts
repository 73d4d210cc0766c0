import { describe, expect, it } from 'vitest'
import {
  checkBuilder,
  conditionIndex,
  describe as describeRule,
  emptyBuilder,
  fromRule,
  parseRuleText,
  PRESETS,
  toRule,
  type Builder,
} from '../../src/admin/lib/rule'

const preset = (label: string) => PRESETS.find((p) => p.label === label)!.condition()

describe('rule builder ⇄ JSON', () => {
  it('writes one condition alone, as the server stores it', () => {
    const b: Builder = { join: 'all', conditions: [preset('有 80 岁以上成员')] }
    expect(toRule(b)).toEqual({ field: 'max_age', op: '>=', value: 80 })
    expect(toRule({ join: 'any', conditions: [preset('属于类别 低保')] })).toEqual({
      field: 'categories',
      op: 'has',
      value: 'dibao',
    })
  })

  it('joins several conditions with all or any, categories as one code or a list', () => {
    const b: Builder = {
      join: 'all',
      conditions: [
        { kind: 'categories', op: 'has_any', codes: ['dibao', 'wubao'] },
        { kind: 'compare', field: 'size', op: '>=', value: 3 },
      ],
    }
    const rule = toRule(b)
    expect(rule).toEqual({
      all: [
        { field: 'categories', op: 'has_any', value: ['dibao', 'wubao'] },
        { field: 'size', op: '>=', value: 3 },
      ],
    })
    expect(fromRule(rule)).toEqual(b)
    expect(fromRule(toRule({ ...b, join: 'any' }))).toEqual({ ...b, join: 'any' })
  })

  it('reads back every rule the builder writes', () => {
    for (const p of PRESETS) {
      const b: Builder = { join: 'all', conditions: [p.condition()] }
      expect(fromRule(toRule(b))).toEqual(b)
    }
  })

  it('leaves not, nested groups and malformed rules to the JSON editor', () => {
    expect(fromRule({ not: { field: 'size', op: '>', value: 5 } })).toBeNull()
    expect(fromRule({ all: [{ any: [{ field: 'size', op: '>', value: 5 }] }] })).toBeNull()
    expect(fromRule({ all: [] })).toBeNull()
    expect(fromRule({ field: 'size', op: '~', value: 5 })).toBeNull()
    expect(fromRule({ field: 'size', op: '>', value: 2.5 })).toBeNull()
    expect(fromRule({ field: 'categories', op: 'has', value: ['dibao'] })).toBeNull()
    expect(fromRule({ field: 'size', op: '>', value: 5, extra: 1 })).toBeNull()
    expect(fromRule([1, 2])).toBeNull()
  })
})

describe('rule checks before sending', () => {
  it('asks for at least one condition, a category, an integer in range', () => {
    expect(checkBuilder(emptyBuilder())).toEqual([{ index: -1, message: '请至少添加一个条件' }])
    expect(
      checkBuilder({
        join: 'all',
        conditions: [
          { kind: 'categories', op: 'has', codes: [] },
          { kind: 'compare', field: 'max_age', op: '>=', value: 200 },
          { kind: 'compare', field: 'size', op: '>=', value: null },
          { kind: 'compare', field: 'elderly', op: '>=', value: 1 },
        ],
      }),
    ).toEqual([
      { index: 0, message: '请选择户类' },
      { index: 1, message: '户内最年长者年龄须是 0–150 的整数' },
      { index: 2, message: '家庭人口须是 0–100 的整数' },
    ])
  })

  it('parses the JSON text or says why not, in Chinese', () => {
    expect(parseRuleText('{"field": "size", "op": ">=", "value": 3}')).toEqual({
      rule: { field: 'size', op: '>=', value: 3 },
    })
    expect(parseRuleText('')).toEqual({ error: '请填写资格规则' })
    expect(parseRuleText('{"field": ')).toMatchObject({ error: expect.stringContaining('不是有效的 JSON') })
    expect(parseRuleText('[1]')).toMatchObject({ error: expect.stringContaining('须是一个 JSON 对象') })
  })

  it("finds the builder row the server's pointer names", () => {
    const b: Builder = { join: 'all', conditions: [preset('属于类别 低保'), preset('有 80 岁以上成员')] }
    expect(conditionIndex('rule.all[1].value', b)).toBe(1)
    expect(conditionIndex('rule.any[1].value', b)).toBeNull()
    expect(conditionIndex('rule.all[5].op', b)).toBeNull()
    expect(conditionIndex('rule.value', { join: 'all', conditions: [preset('有 80 岁以上成员')] })).toBe(0)
    expect(conditionIndex(null, b)).toBeNull()
  })

  it('reads the rule in Chinese like the printed card', () => {
    const labels = { dibao: '低保' }
    expect(describeRule({ field: 'max_age', op: '>=', value: 80 })).toBe('户内最年长者年龄 ≥ 80')
    expect(
      describeRule(
        { all: [{ field: 'categories', op: 'has', value: 'dibao' }, { not: { field: 'size', op: '<', value: 3 } }] },
        labels,
      ),
    ).toBe('（户类含低保 且 并非家庭人口 < 3）')
  })
})
