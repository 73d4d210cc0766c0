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

describe('the field app loads only the Vant styles it uses', () => {
  it('has a style import for every component imported from vant', () => {
    const styles = readFileSync(join(FIELD, 'vant-styles.ts'), 'utf8')
    const used = new Set<string>()
    for (const file of files(FIELD)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/import \{([^}]*)\} from 'vant'/g)) {
        for (const name of m[1].split(',').map((s) => s.trim()).filter(Boolean)) {
          used.add(name.startsWith('show') ? kebab(name.slice(4).replace(/^Confirm/, '')) : kebab(name))
        }
      }
    }
    const missing = [...used].filter((c) => !styles.includes(`'vant/es/${c}/style/index'`))
    expect(missing).toEqual([])
  })
})
