import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const FIELD = join(import.meta.dirname, '..', 'src', 'field')

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|vue)$/.test(e.name) ? [join(dir, e.name)] : [],
  )
}

const kebab = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()

/** Components a file imports from vant, by their style folder (showToast → toast). */
function usedIn(source: string): string[] {
  const used = new Set<string>()
  for (const m of source.matchAll(/import \{([^}]*)\} from 'vant'/g)) {
    for (const name of m[1]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      used.add(name.startsWith('show') ? kebab(name.slice(4).replace(/^Confirm/, '')) : kebab(name))
    }
  }
  return [...used]
}

const styled = (source: string) =>
  new Set([...source.matchAll(/'vant\/es\/([a-z-]+)\/style\/index'/g)].map((m) => m[1]))

describe('the field app loads only the Vant styles it uses', () => {
  it('has a style import for every component imported from vant, globally or in the same file', () => {
    const global = styled(readFileSync(join(FIELD, 'vant-styles.ts'), 'utf8'))
    const missing = files(FIELD).flatMap((file) => {
      const source = readFileSync(file, 'utf8')
      const own = styled(source)
      return usedIn(source)
        .filter((c) => !global.has(c) && !own.has(c))
        .map((c) => `${file.slice(FIELD.length + 1)}: ${c}`)
    })
    expect(missing).toEqual([])
  })
})
