import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { visitFlagsOf } from '../src/field/data'

// The 必记 the visit form offers are the scheme's in force for the household (its
// visit_log_flags, a county's own included), not the fixed four.
const inForce = [
  { code: 'suggestion', label: '意见建议' },
  { code: 'disaster', label: '家庭灾害事故' },
  { code: '安全隐患', label: '安全隐患' },
]

beforeEach(() => {
  localStorage.setItem(
    'lianhu.tokens',
    JSON.stringify({ access_token: 'A', refresh_token: 'R', role: 'member', member_id: 7 }),
  )
})
afterEach(() => {
  vi.unstubAllGlobals()
  localStorage.clear()
})

describe("the visit form's 必记", () => {
  it("are the household's scheme's, kept for offline use; never read: the four (seeds/jiaxing-yilian-sanhui.txt)", async () => {
    const asked: string[] = []
    vi.stubGlobal('fetch', async (req: Request) => {
      asked.push(new URL(req.url).pathname)
      return new Response(JSON.stringify(inForce), { status: 200, headers: { 'Content-Type': 'application/json' } })
    })
    expect(await visitFlagsOf(41)).toEqual([
      { value: 'suggestion', label: '意见建议' },
      { value: 'disaster', label: '家庭灾害事故' },
      { value: '安全隐患', label: '安全隐患' },
    ])
    expect(asked).toEqual(['/api/v1/households/41/visit-flags'])

    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    expect((await visitFlagsOf(41)).map((f) => f.value)).toEqual(['suggestion', 'disaster', '安全隐患']) // offline: as last read
    expect((await visitFlagsOf(42)).map((f) => f.label)).toEqual(['意见建议', '困难问题', '邻里纠纷', '家庭灾害事故'])
  })
})
