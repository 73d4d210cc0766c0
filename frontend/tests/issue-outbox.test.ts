import { beforeEach, describe, expect, it } from 'vitest'
import { FieldDb } from '../src/field/db'
import { checkIssue } from '../src/field/issues'
import { enqueueIssue, householdName } from '../src/field/outbox'

let db: FieldDb
let n = 0

beforeEach(async () => {
  db = new FieldDb(`issue-outbox-test-${++n}`)
  await db.open()
})

describe('raising an issue on the phone', () => {
  it('queues it as an `issue` operation with only the fields given, trimmed', async () => {
    const item = await enqueueIssue(db, { title: ' 村口路灯不亮 ', text: '两盏坏了', household_id: 3, category: '' })
    const stored = await db.outbox.get(item.uuid)
    expect(stored?.kind).toBe('issue')
    expect(stored?.status).toBe('pending')
    expect(stored?.payload).toEqual({ title: '村口路灯不亮', text: '两盏坏了', household_id: 3 })
    expect(stored?.household_id).toBe(3)
  })

  it('queues one of a place, about no household', async () => {
    const item = await enqueueIssue(db, { title: '桥面破损', text: '需修补', category: 'infrastructure' })
    expect(item.payload).toEqual({ title: '桥面破损', text: '需修补', category: 'infrastructure' })
    expect(householdName(item, [])).toBe('不涉及具体农户')
  })

  it('asks for a title and the details before queueing', () => {
    expect(checkIssue({ title: ' ', text: '', category: '' })).toEqual({
      title: '请填写问题摘要',
      text: '请填写问题详情',
    })
    expect(checkIssue({ title: 'a', text: 'b', category: '' })).toEqual({})
  })
})
