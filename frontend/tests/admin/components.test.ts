import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// Element Plus is imported per page (not installed globally), so a tag whose component is not
// imported would render as an unknown element with no error in a production build: check it here.
const root = join(import.meta.dirname, '..', '..', 'src', 'admin')

function vueFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? vueFiles(join(dir, e.name)) : e.name.endsWith('.vue') ? [join(dir, e.name)] : [],
  )
}

const pascal = (tag: string) =>
  'El' +
  tag
    .split('-')
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('')

describe('admin pages import the Element Plus components they use', () => {
  for (const file of vueFiles(root)) {
    it(file.slice(root.length + 1), () => {
      const text = readFileSync(file, 'utf8')
      const imported = new Set(
        [...text.matchAll(/import \{([^}]*)\} from 'element-plus'/g)].flatMap((m) =>
          m[1].split(',').map((s) => s.trim()),
        ),
      )
      const used = new Set([...text.matchAll(/<el-([a-z-]+)/g)].map((m) => pascal(m[1])))
      if (text.includes('v-loading')) used.add('vLoading')
      const missing = [...used].filter((n) => !imported.has(n))
      expect(missing).toEqual([])
    })
  }
})
